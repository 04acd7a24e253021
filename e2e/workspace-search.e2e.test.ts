import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { multipart, pdf } from '../test/helpers/documents.ts';
import { bearer, createMember, login } from '../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../src/platform/db/index.ts';
import { checkPage, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// A lawyer finds "Müller" by typing "muller" in the shell's search box; an administrator reads
// the audit trail by name (who did what to which matter) and confirms a retention policy that
// names how many documents it deletes.
describe.skipIf(!hasChromium)('web app: search, the audit trail by name, a confirmed retention change', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  const rename = (userId: string, name: string) =>
    unsafeWithOwner(t.ctx.db, (tx) => sql`UPDATE chambers.users SET name = ${name} WHERE id = ${userId}`.execute(tx));

  it('finds "Müller" for "muller", and says so when nothing matches', async () => {
    const lawyer = await createMember(t, { role: 'lawyer', orgName: 'Search & Find LLP' });
    const headers = bearer((await login(t, lawyer.email)).accessToken);
    const matter = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers,
      payload: { title: 'Müller v Schröder', reference: 'MS-2026' },
    });
    expect(matter.statusCode).toBe(201);

    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, lawyer);
    const box = page.getByRole('searchbox', { name: 'Search matters, clients and documents' });
    await box.fill('muller');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=muller$/);
    const results = page.getByRole('list', { name: 'Search results' });
    await results.getByRole('link', { name: 'Müller v Schröder' }).waitFor();
    await checkPage(page, problems, 'search-results');

    await box.fill('nothing like it');
    await box.press('Enter');
    await page.getByText('No results for “nothing like it”').waitFor();

    await box.fill('schroder');
    await box.press('Enter');
    await page.getByRole('link', { name: 'Müller v Schröder' }).click();
    await page.waitForURL(new RegExp(`/matters/${matter.json().id}$`));
    await page.getByTestId('matter-status').filter({ hasText: 'Open' }).waitFor();
    await page.getByRole('button', { name: 'Close matter' }).click();
    await page.getByText('Matter closed. Reopen it at any time.').waitFor();
    await page.getByTestId('matter-status').filter({ hasText: 'Closed' }).waitFor();
    await checkPage(page, problems, 'matter-closed');
    await context.close();
  });

  it('reads the audit trail by name and exports it as CSV', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Names & Co' });
    const lawyer = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    await rename(admin.userId, 'Ada Admin');
    await rename(lawyer.userId, 'Lena Lawyer');
    const headers = bearer((await login(t, lawyer.email)).accessToken);
    await t.inject({ method: 'POST', url: '/api/v1/matters', headers, payload: { title: 'Estate of Øster' } });

    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, admin, { totp: true });
    await page.goto('/admin/audit');
    const filters = page.getByRole('form', { name: 'Filter events' });
    await filters.getByLabel('Person').selectOption({ label: 'Lena Lawyer' });
    await filters.getByLabel('Action').selectOption({ label: 'Opened a matter' });
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Estate of Øster' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Lena Lawyer');
    expect(await row.textContent()).toContain('Opened a matter');
    await checkPage(page, problems, 'audit-trail-by-name');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('chambers-audit.csv');
    const csv = await (await download.createReadStream()).toArray();
    const text = Buffer.concat(csv as Buffer[]).toString('utf8');
    expect(text).toContain('Lena Lawyer');
    expect(text).toContain('Estate of Øster');
    await page.getByText('CSV downloaded').waitFor();
    await context.close();
  });

  it('confirms a retention change that deletes documents now, naming how many', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Keep & Delete LLP' });
    // The files come from a lawyer: signing the admin in through the API here would spend her TOTP step.
    const lawyer = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const headers = bearer((await login(t, lawyer.email)).accessToken);
    const matter = await t.inject({ method: 'POST', url: '/api/v1/matters', headers, payload: { title: 'Old files' } });
    for (const name of ['old-1.pdf', 'old-2.pdf']) {
      const form = multipart([{ filename: name, content: pdf(name), contentType: 'application/pdf' }]);
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/matters/${matter.json().id}/documents`,
        headers: { ...headers, ...form.headers },
        payload: form.payload,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    await unsafeWithOwner(t.ctx.db, (tx) =>
      sql`UPDATE chambers.documents SET created_at = now() - interval '400 days' WHERE org_id = ${admin.orgId}`.execute(
        tx,
      ),
    );

    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, admin, { totp: true });
    await page.goto('/admin/retention');
    await page.getByLabel('Keep documents for (days)').fill('365');
    await page.getByRole('button', { name: 'Save retention' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete documents now?' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('retention-consequence').textContent()).toMatch(
      /2 documents are older than 365 days/,
    );
    // The legal-hold card's 404 ("no hold") is logged by Chromium; nothing else may go wrong.
    problems.console = problems.console.filter((m) => !/status of 404/.test(m));
    await checkPage(page, problems, 'retention-confirm');
    await dialog.getByRole('button', { name: 'Save and delete 2 documents' }).click();
    await page.getByText('Document retention saved.').waitFor();
    const { rows } = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{
        days: number;
      }>`SELECT retention_days AS days FROM chambers.document_policies WHERE org_id = ${admin.orgId}`.execute(tx),
    );
    expect(rows[0]?.days).toBe(365);
    await context.close();
  });
});
