import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createMember, factorsOf } from '../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../src/platform/db/index.ts';
import { checkPage, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// An administrator whose last second factor is 13 hours old (a trusted device kept
// her signed in) opens Administration: the server answers 401 STEP_UP_REQUIRED, and
// the app must ask for a code and carry on, not take it for the end of the session.
describe.skipIf(!hasChromium)('web app: step-up in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('asks for a second factor on an administration page and stays signed in', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Step & Up LLP' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, admin, { totp: true });

    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql`UPDATE chambers.sessions SET mfa_verified_at = now() - interval '13 hours' WHERE user_id = ${admin.userId}`.execute(
        tx,
      ),
    );
    // The administration pages read admin routes at once: the dialog opens over them.
    await page.getByRole('link', { name: 'Administration' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    await dialog.getByLabel('Authentication code').fill(factorsOf(admin.email).backupCodes.at(-1)!);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Within the fresh window, the next admin page opens without asking again.
    await page.getByRole('link', { name: 'Retention' }).click();

    await page.getByLabel('Keep documents for (days)').waitFor();
    expect(page.url()).toMatch(/\/admin\/retention$/);
    expect(await page.getByText('Your session has ended').count()).toBe(0);
    // The 401 that asked for the factor, and the 404 that means "no legal hold", are logged by
    // Chromium; wait until every request has answered before setting them aside.
    await page.getByTestId('legal-hold-state').waitFor();
    await page.waitForLoadState('networkidle');
    problems.console = problems.console.filter((m) => !/status of (401|404)/.test(m));
    await checkPage(page, problems, 'admin-step-up');
    await context.close();
  });
});
