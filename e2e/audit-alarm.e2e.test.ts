import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createMember } from '../test/helpers/test-app.ts';
import { checkPage, expectClean, hasChromium, newContext, watch, signInThroughPage } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// Someone with the database owner's powers rewrites a sealed audit event; the
// sealer's next checkpoint catches it, and every administrator sees it at once.
describe.skipIf(!hasChromium)('web app: the audit alarm banner in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  const signIn = (page: Page, member: { email: string; password: string }, totp: boolean) =>
    signInThroughPage(page, member, { totp });

  it('shows administrators a persistent alert once a sealed event is edited behind the app, and nothing to a lawyer', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Harbour & Vale LLP' });
    const lawyer = await createMember(t, {
      role: 'lawyer',
      orgId: admin.orgId,
      email: `lawyer-${Date.now()}@example.com`,
    });

    // Healthy first: the admin sees no banner.
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await page.clock.install(); // the page's timers under the test's control, to reach the next 60 s poll
    const polled = page.waitForResponse((r) => r.url().endsWith('/api/v1/audit/status'));
    await signIn(page, admin, true);
    expect((await polled).status()).toBe(200);
    expect(await page.getByTestId('audit-alarm').count()).toBe(0);

    // Events sealed under a signed checkpoint, then one of them edited as the superuser (triggers off, DDL guard passed).
    for (let i = 0; i < 3; i++)
      await t.ctx.audit.record({
        action: 'matter.view',
        outcome: 'success',
        orgId: null,
        actorId: null,
        details: { i },
      });
    await t.ctx.auditSealer.sealNow({ checkpoint: true });
    await t.ctx.db.owner.transaction().execute(async (tx) => {
      await sql`SELECT set_config('chambers.migrating', 'on', true), pg_advisory_xact_lock(7261002)`.execute(tx);
      await sql`ALTER TABLE audit.events DISABLE TRIGGER USER`.execute(tx);
      await sql`UPDATE audit.events SET outcome = 'failure' WHERE seq = 1`.execute(tx);
      await sql`ALTER TABLE audit.events ENABLE TRIGGER USER`.execute(tx);
    });
    await t.ctx.audit.record({ action: 'matter.view', outcome: 'success', orgId: null, actorId: null });
    await t.ctx.auditSealer.sealNow({ checkpoint: true });
    expect(t.ctx.auditSealer.status()).toMatchObject({ state: 'alarm' });

    // The open page learns it at its next poll, without a reload; it stays on every page of the app.
    const banner = page
      .getByRole('alert')
      .filter({ hasText: 'The audit log no longer matches its last signed checkpoint.' });
    await page.clock.runFor(30_000);
    expect(await banner.count()).toBe(0);
    await page.clock.runFor(31_000);
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/Since .+What to do: do not change the database/s);
    await checkPage(page, problems, 'audit-alarm-banner');
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.waitForURL(/\/admin\/members$/);
    await banner.waitFor();
    await expectClean(page, problems);
    await context.close();

    // A lawyer of the same organization: no banner, and the app never even asks.
    const lctx = await newContext(browser, t.baseUrl);
    const lpage = await lctx.newPage();
    const lproblems = watch(lpage);
    const asked: string[] = [];
    lpage.on('request', (r) => r.url().includes('/api/v1/audit/status') && asked.push(r.url()));
    await signIn(lpage, lawyer, false);
    await lpage.getByRole('heading', { name: 'Matters' }).first().waitFor();
    await lpage.waitForLoadState('networkidle');
    expect(await lpage.getByText('The audit log no longer matches').count()).toBe(0);
    expect(asked).toEqual([]);
    await expectClean(lpage, lproblems);
    await lctx.close();
  });
});
