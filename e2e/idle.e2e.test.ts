import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createMember } from '../test/helpers/test-app.ts';
import { checkPage, expectClean, hasChromium, newContext, watch, signInThroughPage } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// The idle sign-out, shortened by configuration (WEB_IDLE_TIMEOUT_SECONDS) so a test can watch it:
// the banner appears in every tab, "Stay signed in" extends in every tab, and otherwise all tabs sign out.
describe.skipIf(!hasChromium)('web app: idle timeout across tabs', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s), { env: { WEB_IDLE_TIMEOUT_SECONDS: '24', WEB_IDLE_WARNING_SECONDS: '16' } });

  it('warns before the idle expiry, extends on "Stay signed in", then signs every tab out', async () => {
    const lawyer = await createMember(t, { role: 'lawyer', orgName: 'Idle & Co' });
    const context = await newContext(browser, t.baseUrl);
    // Every tab reaches the expiry together; exactly one of them may tell the server.
    const logouts: string[] = [];
    context.on(
      'request',
      (r) => r.method() === 'POST' && r.url().includes('/api/v1/auth/logout') && logouts.push(r.url()),
    );
    const first = await context.newPage();
    const problems = watch(first);
    await signInThroughPage(first, lawyer);
    const second = await context.newPage();
    const secondProblems = watch(second);
    await second.goto('/account');
    await second.getByRole('heading', { name: 'Your account' }).waitFor();

    const banner = (page: typeof first) => page.getByRole('alertdialog', { name: 'Are you still there?' });
    await banner(first).waitFor({ timeout: 20_000 });
    await banner(second).waitFor({ timeout: 5_000 });
    await checkPage(first, problems, 'idle-banner');

    await second.getByRole('button', { name: 'Stay signed in' }).click();
    await banner(first).waitFor({ state: 'hidden', timeout: 5_000 });
    await banner(second).waitFor({ state: 'hidden', timeout: 5_000 });
    expect(first.url()).toMatch(/\/matters$/);

    // Nobody answers this time: both tabs end up on the sign-in page, and the session is over.
    await first.waitForURL(/\/login\?reason=idle/, { timeout: 40_000 });
    await second.waitForURL(/\/login/, { timeout: 5_000 });
    await first.getByText('You were signed out after a period of inactivity.').waitFor();
    expect((await context.cookies()).map((c) => c.name)).not.toContain('__Host-chambers_at');
    expect(logouts, 'one sign-out request for all the tabs').toHaveLength(1);
    // A tab whose request was in flight when the other tab ended the session gets a 401,
    // which Chromium logs; that is the sign-out working. Nothing else may go wrong.
    for (const p of [problems, secondProblems]) p.console = p.console.filter((m) => !/status of 401/.test(m));
    await expectClean(first, problems);
    await expectClean(second, secondProblems);
    await context.close();
  }, 120_000);
});
