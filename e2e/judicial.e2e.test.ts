import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createMember } from '../test/helpers/test-app.ts';
import { checkPage, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// A judge's day in a real browser: open a case, schedule a hearing, keep a private note,
// draft and issue an order, see it on today's cause list; each page checked with axe. A
// lawyer who types the judge portal's address lands back in their own portal.
describe.skipIf(!hasChromium)("web app: judges' chambers in Chromium", () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('opens a case, schedules a hearing, keeps a note, issues an order and shows the cause list', async () => {
    const judge = await createMember(t, { role: 'judge', kind: 'court', orgName: 'High Court of Harbour' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    page.on('dialog', (d) => void d.accept());
    await signInThroughPage(page, judge, { totp: true, landing: /\/judge$/ });
    await page.getByRole('heading', { name: 'Your cases' }).waitFor();
    await checkPage(page, problems, 'judge-home-empty');

    await page.getByLabel('Case number').fill('CR-2026-101');
    await page.getByLabel('Case title').fill('State v. Marlowe');
    await page.getByLabel('Party name').fill('J. Marlowe');
    await page.getByLabel('Party role').fill('accused');
    await page.getByRole('button', { name: 'Open case' }).click();
    await page.getByRole('link', { name: 'State v. Marlowe' }).click();
    await page.waitForURL(/\/judge\/cases\/[0-9a-f-]{36}$/);
    await page.getByText('J. Marlowe').waitFor();

    // A hearing a few minutes from now (the browser's local time is what the field takes).
    const soon = new Date(Date.now() + 10 * 60 * 1000);
    const local = new Date(soon.getTime() - soon.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Hearing date and time').fill(local);
    await page.getByLabel('Purpose').fill('Bail arguments');
    await page.getByRole('button', { name: 'Schedule hearing' }).click();
    await page.getByText(/Bail arguments/).waitFor();

    await page.getByLabel('New note').fill('Witness two seemed rehearsed.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Witness two seemed rehearsed.').waitFor();

    await page.getByLabel('Order title').fill('Bail order');
    await page.getByLabel('Order text').fill('Bail is granted on a bond of 10,000.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.locator('li[data-order="Bail order"]', { hasText: '(draft)' }).waitFor();
    await checkPage(page, problems, 'judge-case-file');
    await page.getByRole('button', { name: 'Issue Bail order' }).click();
    await page.locator('li[data-order="Bail order"]', { hasText: '(issued)' }).waitFor();
    expect(await page.getByRole('button', { name: 'Issue Bail order' }).count()).toBe(0);

    await page.getByRole('link', { name: 'All cases' }).click();
    await page.waitForURL(/\/judge$/);
    // Unless the hearing crossed midnight UTC, it is on today's cause list.
    if (soon.toISOString().slice(0, 10) === new Date().toISOString().slice(0, 10)) {
      await page.getByRole('link', { name: 'CR-2026-101 · State v. Marlowe' }).waitFor();
    }
    await checkPage(page, problems, 'judge-home');
    await context.close();
  });

  it('sets deadlines and keeps documents on the case page: upload, list, download, remove', async () => {
    const judge = await createMember(t, { role: 'judge', kind: 'court', orgName: 'District Court of Vale' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    page.on('dialog', (d) => void d.accept());
    await signInThroughPage(page, judge, { totp: true, landing: /\/judge$/ });
    await page.getByLabel('Case number').fill('CV-2026-7');
    await page.getByLabel('Case title').fill('Harbour Board v. Quay');
    await page.getByLabel('Party name').fill('Harbour Board');
    await page.getByLabel('Party role').fill('plaintiff');
    await page.getByRole('button', { name: 'Open case' }).click();
    await page.getByRole('link', { name: 'Harbour Board v. Quay' }).click();
    await page.waitForURL(/\/judge\/cases\/[0-9a-f-]{36}$/);

    // Deadlines: listed soonest first, whatever order they were set in.
    await page.getByText('No deadlines set.').waitFor();
    for (const [dueOn, what] of [
      ['2099-03-31', 'Written submissions'],
      ['2099-02-15', 'Reply to the counterclaim'],
    ]) {
      await page.getByLabel('Due on').fill(dueOn!);
      await page.getByLabel('What is due').fill(what!);
      await page.getByRole('button', { name: 'Set deadline' }).click();
      await page.locator(`li[data-deadline="${what}"]`).waitFor();
    }
    expect(await page.locator('li[data-deadline]').allTextContents()).toEqual([
      '2099-02-15 · Reply to the counterclaim',
      '2099-03-31 · Written submissions',
    ]);

    // Documents: sealed under the judicial key on the server, back byte for byte in the browser.
    await page.getByText('No documents on this case yet.').waitFor();
    const content = 'Statement of claim: the quay encroaches on the harbour by 3 metres.\n';
    await page
      .getByLabel('Add a document')
      .setInputFiles({ name: 'claim.txt', mimeType: 'text/plain', buffer: Buffer.from(content) });
    await page.getByText('claim.txt uploaded.').waitFor();
    await page.locator('tr[data-document="claim.txt"]').waitFor();
    await checkPage(page, problems, 'judge-case-documents');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download claim.txt' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('claim.txt');
    expect(fs.readFileSync(await download.path(), 'utf8')).toBe(content);

    // A file the vault refuses is refused here too, with the reason shown.
    await page
      .getByLabel('Add a document')
      .setInputFiles({ name: 'tool.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 not a pdf') });
    await page
      .getByRole('alert')
      .filter({ hasText: /not accepted|not a recognised/ })
      .waitFor();

    await page.getByRole('button', { name: 'Remove claim.txt' }).click();
    await page.getByText('claim.txt removed.').waitFor();
    await page.getByText('No documents on this case yet.').waitFor();
    await context.close();
  });

  it("sends a lawyer who opens the judge portal's address back to the lawyer portal", async () => {
    const lawyer = await createMember(t, { role: 'lawyer', orgName: 'Harbour & Vale LLP' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    await signInThroughPage(page, lawyer);
    await page.goto('/judge');
    await page.waitForURL(/\/matters$/);
    const res = await page.request.get('/api/v1/judicial/cases', { headers: { 'x-chambers-client': 'web' } });
    expect(res.status()).toBe(403);
    expect((await res.json()).code).toBe('PORTAL_FORBIDDEN');
    await context.close();
  });
});
