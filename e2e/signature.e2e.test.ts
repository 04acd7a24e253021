import fs from 'node:fs';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { multipart } from '../test/helpers/documents.ts';
import { signedInMember } from '../test/helpers/test-app.ts';
import { makePdf, validateWithTools } from '../test/helpers/tsa-pdf.ts';
import { checkPage, expectClean, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

/** True once pdf.js has painted something other than white on the page's canvas. */
const pageIsPainted = (page: Page, n: number) =>
  page.locator(`.pdf-page[data-page="${n}"] canvas`).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    if (!data) return false;
    for (let i = 0; i < data.length; i += 4) if (data[i]! < 200) return true;
    return false;
  });

// Done means: a lawyer sends a contract for signature from the web app, two people sign it in
// their browsers (no account), and the sender downloads one sealed PDF that pdfsig and openssl accept.
describe.skipIf(!hasChromium)('web app: electronic signature in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('sends a PDF to two signers who sign in their browsers; the sender downloads the sealed file', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer', orgName: 'Harbour & Vale LLP' });
    // The matter and its PDF come through the API; sending for signature is what this test drives in the page.
    const matter = await t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: lawyer.headers,
      payload: { title: 'Sale of the Quay warehouse' },
    });
    const body = multipart([{ filename: 'contract.pdf', content: await makePdf(2, 'Contract') }]);
    const uploaded = await t.inject({
      method: 'POST',
      url: `/api/v1/matters/${matter.json().id}/documents`,
      headers: { ...lawyer.headers, ...body.headers },
      payload: body.payload,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, lawyer);
    await page.goto(`/matters/${matter.json().id}`);

    // Compose: two signers, a signature field for each placed by clicking on the rendered page.
    await page.getByRole('button', { name: 'Send contract.pdf for signature' }).click();
    await page.getByLabel('Name of recipient 1').fill('Anna Keller');
    await page.getByLabel('Email of recipient 1').fill('anna@example.org');
    await page.getByRole('button', { name: 'Add recipient' }).click();
    await page.getByLabel('Name of recipient 2').fill('Bruno Weiss');
    await page.getByLabel('Email of recipient 2').fill('bruno@example.org');
    const firstPage = page.locator('.pdf-page[data-page="1"][data-rendered="true"] .pdf-page-surface');
    await firstPage.waitFor();
    await expect.poll(() => pageIsPainted(page, 1)).toBe(true);
    await page.getByLabel('Field for').selectOption({ label: 'Anna Keller' });
    await firstPage.click({ position: { x: 150, y: 600 } });
    await page.getByLabel('Field for').selectOption({ label: 'Bruno Weiss' });
    await firstPage.click({ position: { x: 420, y: 600 } });
    await expect.poll(() => page.getByRole('list', { name: 'Placed fields' }).getByRole('listitem').count()).toBe(2);
    await checkPage(page, problems, 'signature-compose');
    await page.getByRole('button', { name: 'Send for signature' }).click();
    await page.getByText('contract sent for signature.').waitFor();
    await expect.poll(() => page.getByTestId('envelope-status').first().textContent()).toBe('sent');

    const tokenFor = async (email: string) => {
      const mail = (await t.mail()).filter((m) => m.to.includes(email)).at(-1);
      const link = mail && /https?:\/\/\S+\/sign\/[A-Za-z0-9_-]{43}/.exec(mail.text)?.[0];
      if (!link) throw new Error(`no signing link for ${email}`);
      return new URL(link).pathname;
    };

    // Each signer: a fresh browser profile, no account, the link from the mail.
    for (const [email, how] of [
      ['anna@example.org', 'drawn'],
      ['bruno@example.org', 'typed'],
    ] as const) {
      const signerContext = await newContext(browser, t.baseUrl);
      const signer = await signerContext.newPage();
      const signerProblems = watch(signer);
      await signer.goto(await tokenFor(email));
      await signer.getByRole('heading', { level: 1, name: 'contract' }).waitFor();
      await signer.locator('.pdf-page[data-page="1"][data-rendered="true"]').waitFor();
      await signer.locator('.pdf-page[data-page="2"][data-rendered="true"]').waitFor();
      await expect.poll(() => pageIsPainted(signer, 1)).toBe(true);
      await expect(signer.locator('.pdf-field').count()).resolves.toBe(1);
      await checkPage(signer, signerProblems, `signature-signer-${how}`);

      await signer.getByLabel('I have read the disclosure and agree to sign electronically').check();
      await signer.getByRole('button', { name: 'Continue' }).click();
      if (how === 'drawn') {
        await signer.getByLabel('Draw my signature').check();
        const pad = signer.getByRole('img', { name: 'Signature drawing area' });
        const box = (await pad.boundingBox())!;
        const mid = box.y + box.height / 2;
        await signer.mouse.move(box.x + 20, mid);
        await signer.mouse.down();
        for (let i = 1; i <= 12; i++)
          await signer.mouse.move(box.x + 20 + (i * (box.width - 40)) / 12, mid - Math.sin(i / 2) * (box.height / 3), {
            steps: 3,
          });
        await signer.mouse.up();
      } else {
        await signer.getByLabel('Full name as signature').fill('Bruno Weiss');
      }
      await checkPage(signer, signerProblems, `signature-signer-${how}-ready`);
      await signer.getByRole('button', { name: 'Sign the document' }).click();
      await signer.getByText('Your signature is recorded').waitFor({ timeout: 30_000 });
      await expectClean(signer, signerProblems);
      await signerContext.close();
    }

    // The sender sees "completed" (the list refreshes itself) and downloads the sealed file.
    await expect
      .poll(() => page.getByTestId('envelope-status').first().textContent(), { timeout: 20_000 })
      .toBe('completed');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download sealed PDF of contract' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('contract (sealed).pdf');
    const sealed = fs.readFileSync(await download.path());
    const { rows } = await sql<{ chain_pem: string }>`
      SELECT chain_pem FROM chambers.seal_certificates WHERE org_id = ${lawyer.orgId} AND retired_at IS NULL
    `.execute(t.ctx.db.owner);
    const report = validateWithTools(sealed, rows[0]!.chain_pem);
    expect(report).toMatch(/Signature is Valid/);
    await checkPage(page, problems, 'signature-completed');

    // The public verification page calls it valid, and a tampered copy invalid with a reason.
    const verifier = await (await newContext(browser, t.baseUrl)).newPage();
    const verifierProblems = watch(verifier);
    await verifier.goto('/verify-document');
    await verifier
      .getByLabel('PDF file')
      .setInputFiles({ name: 'sealed.pdf', mimeType: 'application/pdf', buffer: sealed });
    await verifier.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => verifier.getByTestId('verdict').locator('.badge').first().textContent()).toBe('valid');
    await expect(verifier.getByTestId('verdict').textContent()).resolves.toContain('sealed by this Chambers');
    await checkPage(verifier, verifierProblems, 'verify-document-valid');
    const tampered = Buffer.concat([sealed, Buffer.from('\n% appended\n')]);
    await verifier
      .getByLabel('PDF file')
      .setInputFiles({ name: 'tampered.pdf', mimeType: 'application/pdf', buffer: tampered });
    await verifier.getByRole('button', { name: 'Verify' }).click();
    await verifier.getByText('MODIFIED_AFTER_SIGNING').waitFor();
    await expectClean(verifier, verifierProblems);
    await context.close();
  });
});
