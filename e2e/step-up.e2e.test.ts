import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createMember, factorsOf, type TestApp } from '../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../src/platform/db/index.ts';
import { checkPage, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

/** Makes the member's second factor 13 hours old, as a trusted device that kept her signed in would. */
async function staleFactor(t: TestApp, userId: string): Promise<void> {
  await unsafeWithOwner(t.ctx.db, (tx) =>
    sql`UPDATE chambers.sessions SET mfa_verified_at = now() - interval '13 hours' WHERE user_id = ${userId}`.execute(
      tx,
    ),
  );
}

/**
 * Counts the times the step-up dialog opens (runs before the page's scripts), and the API
 * answers that asked for it.
 */
async function countStepUps(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __stepUpDialogs: number };
    w.__stepUpDialogs = 0;
    const showModal = HTMLDialogElement.prototype.showModal;
    HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
      if (!this.open && this.getAttribute('aria-labelledby') === 'stepup-title') w.__stepUpDialogs++;
      showModal.call(this);
    };
  });
  const refused: string[] = [];
  page.on('response', (res) => {
    if (res.status() !== 401 || !new URL(res.url()).pathname.startsWith('/api/v1/')) return;
    void res
      .json()
      .then((body: { code?: string }) => {
        if (body.code === 'STEP_UP_REQUIRED') refused.push(new URL(res.url()).pathname);
      })
      .catch(() => undefined);
  });
  return {
    refused,
    dialogs: () => page.evaluate(() => (window as unknown as { __stepUpDialogs: number }).__stepUpDialogs),
  };
}

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

  // Administration → Members reads the members and the pending invitations at once (and the
  // onboarding checklist): every one of them comes back STEP_UP_REQUIRED. One dialog must
  // answer for all, and every refused request must go again afterwards, or fail together.
  it('asks once for requests refused together, then retries every one of them', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Many & Once LLP' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    const stepUps = await countStepUps(page);
    await signInThroughPage(page, admin, { totp: true });

    // While the factor is fresh, invite someone, so both lists have a row to show.
    const invited = `invited-${Math.random().toString(36).slice(2, 8)}@example.com`;
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByLabel('Email address').fill(invited);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.locator(`tr[data-invitation="${invited}"]`).waitFor();
    await page.getByRole('link', { name: 'Matters', exact: true }).click();
    await page.waitForURL(/\/matters$/);
    expect(stepUps.refused).toEqual([]);

    await staleFactor(t, admin.userId);
    await page.getByRole('link', { name: 'Administration' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    const membersPath = `/api/v1/orgs/${admin.orgId}/members`;
    const invitationsPath = `/api/v1/orgs/${admin.orgId}/invitations`;
    await expect
      .poll(() => [membersPath, invitationsPath].every((p) => stepUps.refused.includes(p)), { timeout: 10_000 })
      .toBe(true);
    await dialog.getByLabel('Authentication code').fill(factorsOf(admin.email).backupCodes.at(-1)!);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Both lists arrive: neither request was left waiting for an answer given to the other.
    await page.locator(`tr[data-member="${admin.email}"]`).waitFor({ timeout: 10_000 });
    await page.locator(`tr[data-invitation="${invited}"]`).waitFor({ timeout: 10_000 });
    await page.waitForLoadState('networkidle');
    expect(await stepUps.dialogs()).toBe(1);
    expect(await page.getByText('Your session has ended').count()).toBe(0);
    expect(await page.getByText(/second factor first/).count()).toBe(0);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });

  it('fails every request refused together when the person cancels, with the usual message', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Cancel & Co' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    const stepUps = await countStepUps(page);
    await signInThroughPage(page, admin, { totp: true });

    await staleFactor(t, admin.userId);
    await page.getByRole('link', { name: 'Administration' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    const membersPath = `/api/v1/orgs/${admin.orgId}/members`;
    const invitationsPath = `/api/v1/orgs/${admin.orgId}/invitations`;
    await expect
      .poll(() => [membersPath, invitationsPath].every((p) => stepUps.refused.includes(p)), { timeout: 10_000 })
      .toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The members panel and the invitations panel each say why they are empty; nothing is retried.
    const message = page.getByRole('alert').filter({ hasText: 'Confirm it is you with your second factor first' });
    await expect.poll(() => message.count(), { timeout: 10_000 }).toBe(2);
    await page.waitForLoadState('networkidle');
    expect(await stepUps.dialogs()).toBe(1);
    expect(await page.locator('tr[data-member]').count()).toBe(0);
    expect(await page.getByText('Your session has ended').count()).toBe(0);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });
});
