import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkPage, hasChromium, newContext, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// A broken link shows the app's own "Page not found", not raw JSON, and leads home.
describe.skipIf(!hasChromium)('web app: an unknown address in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('shows "Page not found" with a way back', async () => {
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    const res = await page.goto('/matters-typo/123');
    expect(res?.status()).toBe(404);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await page.getByRole('link', { name: 'Go to your workspace' }).count()).toBe(1);
    // Chromium logs the page's own 404 status; nothing else may go wrong.
    await page.waitForLoadState('networkidle');
    problems.console = problems.console.filter((m) => !/status of 404/.test(m));
    await checkPage(page, problems, 'not-found');
    await context.close();
  });
});
