import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createMember } from '../test/helpers/test-app.ts';
import { SAMPLE_CONTRACT } from '../src/ai/fixtures/sample-contract.ts';
import { checkPage, expectClean, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// The AI tools in the judge portal: a judge opens a case, adds a document and analyzes it with
// the same panel lawyers use, its calls going to the judge portal's own routes (judicial store).
describe.skipIf(!hasChromium)('web app: AI analysis of a case document in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('finds the clauses of a case document and answers a question with its quotes', async () => {
    const judge = await createMember(t, { role: 'judge', kind: 'court', orgName: 'Commercial Court of Harbour' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, judge, { totp: true, landing: /\/judge$/ });
    await page.getByLabel('Case number').fill('COM-2026-12');
    await page.getByLabel('Case title').fill('Northwind v. Contoso');
    await page.getByLabel('Party name').fill('Northwind Instruments');
    await page.getByLabel('Party role').fill('plaintiff');
    await page.getByRole('button', { name: 'Open case' }).click();
    await page.getByRole('link', { name: 'Northwind v. Contoso' }).click();
    await page.waitForURL(/\/judge\/cases\/[0-9a-f-]{36}$/);

    await page
      .getByLabel('Add a document')
      .setInputFiles({ name: 'agreement.txt', mimeType: 'text/plain', buffer: Buffer.from(SAMPLE_CONTRACT) });
    await page.getByText('agreement.txt uploaded.').waitFor();
    const analyze = page.getByRole('button', { name: 'Analyze agreement.txt' });
    await expect.poll(() => analyze.getAttribute('aria-expanded')).toBe('false');
    await analyze.click();
    await expect.poll(() => analyze.getAttribute('aria-expanded')).toBe('true');

    const panel = page.getByRole('region', { name: 'Analyze agreement.txt' });
    const extracted = page.waitForResponse((r) => r.url().endsWith('/api/v1/judicial/ai/extract'));
    await panel.getByRole('button', { name: 'Find clauses' }).click();
    expect((await extracted).status()).toBe(200);
    await panel.locator('[data-category="Governing Law"]').waitFor();
    await expect.poll(() => panel.locator('.document-text mark').count()).toBeGreaterThan(5);
    await panel.locator('[data-category="Governing Law"]').getByRole('button').first().click();
    await expect
      .poll(() => panel.locator('.document-text mark.focused').textContent())
      .toContain('laws of the State of New York');
    expect(await panel.textContent()).toContain('are not stored or logged');
    await checkPage(page, problems, 'judge-ai-clauses');

    await panel.getByRole('tab', { name: 'Ask' }).click();
    await panel.getByLabel('Question').fill('Can this agreement be assigned?');
    const streamed = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/judicial/ai/ask') && r.request().method() === 'POST',
    );
    await panel.getByRole('button', { name: 'Ask', exact: true }).click();
    expect((await streamed).headers()['content-type']).toMatch(/^text\/event-stream/);
    await expect.poll(() => panel.locator('.answer').getAttribute('data-streaming')).toBe('false');
    await expect.poll(() => panel.locator('.citations li').count()).toBeGreaterThan(0);
    await checkPage(page, problems, 'judge-ai-ask');
    await expectClean(page, problems);
    await context.close();
  });
});
