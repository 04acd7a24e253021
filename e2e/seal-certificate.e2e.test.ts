import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createMember } from '../test/helpers/test-app.ts';
import { makeSealPkcs12 } from '../test/helpers/tsa-pdf.ts';
import { checkPage, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

/** The body of a PEM certificate: the same DER whatever the line breaks. */
const der = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');

async function downloadRoot(page: Page): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download root certificate' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('chambers-seal-root.pem');
  return fs.readFileSync((await download.path())!, 'utf8');
}

// Done means: an administrator sees the seal Chambers made, downloads its root for a PDF
// reader's trust store, replaces the seal with a CA-issued PKCS#12 read in the browser,
// and allows B-B seals only after a question that names what they lose.
describe.skipIf(!hasChromium)('web app: seal certificate administration in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('shows, downloads and replaces the seal, and switches B-B on with a confirmation', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Quill & Ledger LLP' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, admin, { totp: true });
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'Signatures' }).click();
    expect(page.url()).toMatch(/\/admin\/signatures$/);

    // The certificate made on first use, named after the organization, under its own root.
    const facts = page.getByTestId('seal-certificate');
    await facts.getByText('CN=Quill & Ledger LLP document seal').waitFor();
    await facts.getByText('CN=Quill & Ledger LLP Chambers Root CA').waitFor();
    expect(await page.getByText(/This seal certificate ends in/).count()).toBe(0);
    await page.getByText(/README, under “Electronic signature”/).waitFor();

    const pem = await downloadRoot(page);
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?$/);

    // A CA-issued seal ending in 20 days: it replaces the generated one, and the page warns.
    const { p12, caPem } = makeSealPkcs12({ days: 20, password: 'correct horse' });
    await page
      .getByLabel('PKCS#12 file')
      .setInputFiles({ name: 'seal.p12', mimeType: 'application/x-pkcs12', buffer: p12 });
    await page.getByLabel('File password').fill('wrong');
    await page.getByRole('button', { name: 'Upload certificate' }).click();
    await page.getByText('The seal certificate file cannot be used.').waitFor();
    await page.getByLabel('File password').fill('correct horse');
    await page.getByRole('button', { name: 'Upload certificate' }).click();
    await page.getByText('Seal certificate replaced').waitFor();
    await facts.getByText('CN=Harbour & Vale LLP seal').waitFor();
    await facts.getByText('CN=Test Qualified CA').waitFor();
    await page.getByText(/This seal certificate ends in (19|20) days/).waitFor();
    expect(await page.getByLabel('File password').inputValue()).toBe('');
    // The root to trust is now the CA's.
    expect(der(await downloadRoot(page))).toBe(der(caPem));

    // B-B: a question first; Cancel changes nothing, confirming saves it.
    const allow = page.getByRole('switch', {
      name: 'Allow seals without a timestamp (B-B) when every time-stamp server fails',
    });
    expect(await allow.isChecked()).toBe(false);
    const dialog = page.getByRole('dialog', { name: 'Allow seals without a timestamp?' });
    await allow.click();
    await dialog.getByText(/no trusted time/).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await allow.isChecked()).toBe(false);
    await allow.click();
    await dialog.getByRole('button', { name: 'Allow seals without a timestamp' }).click();
    await page.getByText('Seals without a timestamp are allowed').waitFor();
    expect(await allow.isChecked()).toBe(true);
    await page.reload();
    await facts.getByText('CN=Harbour & Vale LLP seal').waitFor();
    expect(await allow.isChecked()).toBe(true);

    // Chromium logs the 422 of the wrong password; that answer was expected and shown above.
    problems.console = problems.console.filter((m) => !/status of 422/.test(m));
    await checkPage(page, problems, 'admin-signatures');

    // Turning it off only makes sealing wait again: no question.
    await allow.click();
    await page.getByText('Sealing waits for a time-stamp server again.').waitFor();
    expect(await allow.isChecked()).toBe(false);
    expect(await dialog.isVisible()).toBe(false);
    await context.close();
  });
});
