import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bearer, createMember, login } from '../test/helpers/test-app.ts';
import { checkPage, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// An administrator offboards through the Members page: removes a lawyer who left (after
// a dialog that says what follows) and revokes an invitation sent to the wrong address.
// The server is asked afterwards: the lawyer's token is dead, the invitation link too.
describe.skipIf(!hasChromium)('web app: offboarding in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('removes a member after confirmation and revokes a pending invitation', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Offboard & Co' });
    const lawyer = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const lawyerTokens = await login(t, lawyer.email);
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, admin, { totp: true });

    await page.getByRole('link', { name: 'Administration' }).click();
    await page.waitForURL(/\/admin\/members$/);
    const row = page.locator(`tr[data-member="${lawyer.email}"]`);
    await row.waitFor();

    // Remove: the dialog names the consequence before anything happens.
    await row.getByRole('button', { name: `Remove ${lawyer.email}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Test User?' });
    await dialog.waitFor();
    await expect.poll(() => dialog.textContent()).toMatch(/every session they have here ends at once/);
    await checkPage(page, problems, 'members-remove-confirm');
    await dialog.getByRole('button', { name: 'Remove member' }).click();
    await page.getByText(`${lawyer.email} was removed from the organization.`).waitFor();
    await expect.poll(() => row.count()).toBe(0);
    const after = await t.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(lawyerTokens.accessToken) });
    expect(after.statusCode).toBe(401);

    // Invite someone by mistake, then revoke it from the pending list.
    const wrong = `wrong-${Math.random().toString(36).slice(2, 8)}@example.com`;
    await page.getByLabel('Email address').fill(wrong);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const invitation = page.locator(`tr[data-invitation="${wrong}"]`);
    await invitation.waitFor();
    await invitation.getByRole('button', { name: `Revoke invitation to ${wrong}` }).click();
    await page.getByText(`The invitation to ${wrong} was revoked; its link no longer works.`).waitFor();
    await expect.poll(() => invitation.count()).toBe(0);
    await page.getByText('No pending invitations.').waitFor();

    const mail = (await t.mail()).filter((m) => m.to === wrong).at(-1);
    const text = (mail?.text ?? '').replace(/=([0-9A-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
    const token = /\/invite\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
    expect(token).toBeDefined();
    const accept = await t.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token, name: 'Wrong Person', password: 'granite-meadow-echoes-61' },
    });
    expect(accept.statusCode).toBe(400);
    expect((accept.json() as { code: string }).code).toBe('INVITATION_INVALID');

    await checkPage(page, problems, 'members-offboarding');
    await context.close();
  });
});
