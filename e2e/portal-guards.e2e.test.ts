import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createMember } from '../test/helpers/test-app.ts';
import { checkPage, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// The server refuses the wrong portal and role; the app must not even render it: a
// judge typing /matters, or a lawyer typing /judge or /admin, lands on their own home
// without the other portal's page (and its failing API calls) ever appearing.
describe.skipIf(!hasChromium)('web app: portal and role guards in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  /** Opens a path by URL, as a typed address or a bookmark would, and waits for where the app settles. */
  const visit = async (page: Page, path: string, settles: RegExp) => {
    await page.goto(path);
    await page.waitForURL(settles);
    await page.waitForLoadState('networkidle');
  };

  it('sends a judge who opens /matters to the judge portal', async () => {
    const judge = await createMember(t, { role: 'judge', kind: 'court', orgName: 'Northern District Court' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, judge, { totp: true, landing: /\/judge$/ });

    for (const path of ['/matters', '/matters/00000000-0000-4000-8000-000000000000']) {
      await visit(page, path, /\/judge$/);
      await page.getByRole('heading', { name: 'Case files', level: 1 }).waitFor();
      expect(await page.getByRole('heading', { name: 'Matters' }).count()).toBe(0);
    }
    await checkPage(page, problems, 'guard-judge-from-matters');
    await context.close();
  });

  it('sends a lawyer who opens /judge or /admin back to the matters, without the admin UI', async () => {
    const lawyer = await createMember(t, { role: 'lawyer', orgName: 'Guarded & Sons' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, lawyer);
    // No request of the other portal or the admin pages may even be made.
    const requested: string[] = [];
    page.on('request', (r) => {
      if (/\/api\/v1\/(orgs|audit|judicial)/.test(r.url())) requested.push(r.url());
    });

    await visit(page, '/judge', /\/matters$/);
    expect(await page.getByRole('heading', { name: 'Case files' }).count()).toBe(0);
    for (const path of ['/admin', '/admin/members', '/admin/audit']) {
      await visit(page, path, /\/matters$/);
      expect(await page.getByRole('heading', { name: 'Administration' }).count()).toBe(0);
      expect(await page.getByRole('navigation', { name: 'Administration' }).count()).toBe(0);
    }
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    expect(requested).toEqual([]);
    await checkPage(page, problems, 'guard-lawyer-from-judge-admin');
    await context.close();
  });
});
