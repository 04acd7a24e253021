import zlib from 'node:zlib';
import { PDF } from '@libpdf/core';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bearer, createMember, login } from '../test/helpers/test-app.ts';
import { checkPage, expectClean, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

/** A real two-page PDF with text, made with @libpdf/core. */
async function makePdf(title: string): Promise<Buffer> {
  const doc = PDF.create();
  for (const n of [1, 2]) doc.addPage({ size: 'a4' }).drawText(`${title}, page ${n}`, { x: 50, y: 760, size: 28 });
  return Buffer.from(await doc.save());
}

/** A real PNG: a width × height image, navy blue, written chunk by chunk. */
function makePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([0x1f, 0x3a, 0x5f]))]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

type Fixture = { name: string; type: string; bytes: Buffer };

/** Drops files on the drop zone as a person dragging them from the desktop would (a DataTransfer carrying Files). */
async function dropFiles(page: Page, files: Fixture[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, type: f.type, b64: f.bytes.toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return dt;
  }, payload);
  const zone = page.getByTestId('drop-zone');
  for (const type of ['dragenter', 'dragover', 'drop']) await zone.dispatchEvent(type, { dataTransfer });
}

/** How many pixels of the canvas are dark: pdf.js drew the page's text into it. */
const darkPixels = (page: Page) =>
  page.locator('.pdf-page[data-page="1"] canvas').evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d');
    if (!ctx) return 0;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 100 && (data[i + 3] ?? 0) > 0) dark++;
    return dark;
  });

// A lawyer's documents in Chromium, under the production CSP: several files dropped at
// once with a progress line each, one cancelled, a same-name file made a new version,
// a PDF drawn by pdf.js, an image and a text file previewed, tags added and filtered.
describe.skipIf(!hasChromium)('web app: document preview and multi-file upload in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('uploads several dropped files, asks about a same-name file, cancels one, previews a PDF, an image and text', async () => {
    const lawyer = await createMember(t, { role: 'lawyer', orgName: 'Northgate Chambers' });
    const matter = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/matters',
        headers: bearer((await login(t, lawyer.email)).accessToken),
        payload: { title: 'Acquisition of Brightwater Ltd' },
      })
    ).json();
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    const workerTypes: string[] = [];
    page.on('response', (r) => {
      if (/\/assets\/pdf\.worker[^/]*\.mjs$/.test(r.url())) workerTypes.push(r.headers()['content-type'] ?? '');
    });
    await signInThroughPage(page, lawyer);
    await page.goto(`/matters/${matter.id}`);
    await page.getByRole('heading', { name: 'Acquisition of Brightwater Ltd' }).waitFor();

    // Three files dropped at once: each gets its line, all end up in the list.
    const files: Fixture[] = [
      { name: 'Heads of terms.pdf', type: 'application/pdf', bytes: await makePdf('Heads of terms') },
      { name: 'Site plan.png', type: 'image/png', bytes: makePng(40, 24) },
      { name: 'Call notes.txt', type: 'text/plain', bytes: Buffer.from('Call with the vendor: price agreed.\n') },
    ];
    await dropFiles(page, files);
    const uploads = page.getByRole('list', { name: 'Uploads' });
    for (const f of files) {
      await uploads.locator(`li[data-upload="${f.name}"]`).getByText('Uploaded', { exact: true }).waitFor();
      await page.locator(`tr[data-document="${f.name}"]`).waitFor();
    }
    await checkPage(page, problems, 'documents-multi-upload');

    // The same name again: the page asks, and "new version" keeps the document (v2), not a second row.
    await dropFiles(page, [
      { name: 'heads of terms.PDF', type: 'application/pdf', bytes: await makePdf('Heads of terms, revised') },
    ]);
    const question = page.getByRole('group', { name: 'What is heads of terms.PDF?' });
    await question.getByText('already has a document named').waitFor();
    await checkPage(page, problems, 'documents-same-name');
    await question.getByRole('button', { name: 'New version of Heads of terms.pdf' }).click();
    await page.getByText('Version 2 of Heads of terms.pdf uploaded.').waitFor();
    await page.locator('tr[data-document="Heads of terms.pdf"] .badge', { hasText: 'v2' }).waitFor();
    expect(await page.locator('tr[data-document="Heads of terms.pdf"]').count()).toBe(1);

    // A slow uplink, a larger file chosen through the (multiple) input, cancelled mid-way: nothing stored.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 8 * 1024,
    });
    // 520 KB: at 8 KB/s a minute's upload, so the cancel comes first even on a loaded machine
    // (52 KB, six seconds, once finished before the click while both suites ran side by side).
    await page
      .getByLabel('Choose a file or several')
      .setInputFiles([
        { name: 'Data room index.txt', mimeType: 'text/plain', buffer: Buffer.from('Index entry.\n'.repeat(40_000)) },
      ]);
    await page.getByRole('progressbar', { name: /Uploading… \d+% of Data room index\.txt/ }).waitFor();
    await page.getByRole('button', { name: 'Cancel upload of Data room index.txt' }).click();
    await uploads.locator('li[data-upload="Data room index.txt"]').getByText('Cancelled').waitFor();
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.detach();
    await page.reload();
    await page.locator('tr[data-document="Call notes.txt"]').waitFor();
    expect(await page.locator('tr[data-document="Data room index.txt"]').count()).toBe(0);

    // The PDF, drawn by pdf.js (its worker from our origin) into canvases, under the CSP.
    await page.getByRole('button', { name: 'Preview Heads of terms.pdf' }).click();
    const dialog = page.getByRole('dialog', { name: /Preview of Heads of terms\.pdf/ });
    await dialog.locator('.pdf-page[data-page="1"][data-rendered="true"] canvas').waitFor();
    await dialog.locator('.pdf-page[data-page="2"][data-rendered="true"] canvas').waitFor();
    expect(await dialog.getByRole('img', { name: 'Page 1 of 2' }).isVisible()).toBe(true);
    expect(await darkPixels(page)).toBeGreaterThan(100);
    // A real worker, from our own origin, served as JavaScript (not pdf.js's main-thread fallback).
    expect(workers.some((u) => u.startsWith(`${t.baseUrl}/assets/pdf.worker`))).toBe(true);
    expect(workerTypes[0]).toMatch(/javascript/);
    await checkPage(page, problems, 'documents-preview-pdf');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => dialog.count()).toBe(0);

    // The image and the text file.
    await page.getByRole('button', { name: 'Preview Site plan.png' }).click();
    const image = page.getByRole('img', { name: 'Image Site plan.png' });
    await image.waitFor();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(40);
    await checkPage(page, problems, 'documents-preview-image');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Preview Call notes.txt' }).click();
    await page.getByLabel('Text of Call notes.txt').getByText('Call with the vendor: price agreed.').waitFor();
    await checkPage(page, problems, 'documents-preview-text');
    await page.keyboard.press('Escape');

    // Tags: added on one document, shown in the list, filtered by, removed.
    await page.getByRole('button', { name: 'Versions and sharing of Site plan.png' }).click();
    await page.getByLabel('Add a tag to Site plan.png').fill('Plans');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('list', { name: 'Tags of Site plan.png' }).first().getByText('plans').waitFor();
    await page.getByLabel('Filter by tag').selectOption('plans');
    await expect.poll(() => page.locator('tr[data-document]').count()).toBe(1);
    await checkPage(page, problems, 'documents-tags');
    await page.getByLabel('Filter by tag').selectOption('');
    await expect.poll(() => page.locator('tr[data-document]').count()).toBe(3);
    await page.getByRole('button', { name: 'Remove the tag plans from Site plan.png' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Tags of Site plan.png' }).count()).toBe(0);

    await expectClean(page, problems);
    await context.close();
  });

  it('lets an org_admin place and lift legal holds on a document and on the matter, shown to everyone', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Holdfast LLP' });
    const lawyer = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const headers = bearer((await login(t, lawyer.email)).accessToken);
    const matter = (
      await t.inject({ method: 'POST', url: '/api/v1/matters', headers, payload: { title: 'Regulator inquiry' } })
    ).json();
    const pdfBytes = await makePdf('Board minutes');
    const boundary = 'chambers-e2e-boundary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Board minutes.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      pdfBytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const uploaded = await t.inject({
      method: 'POST',
      url: `/api/v1/matters/${matter.id}/documents`,
      headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);

    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, admin, { totp: true });
    await page.goto(`/matters/${matter.id}`);
    const row = page.locator('tr[data-document="Board minutes.pdf"]');
    await row.waitFor();

    // The document's own hold, from its detail panel.
    await page.getByRole('button', { name: 'Versions and sharing of Board minutes.pdf' }).click();
    await page.getByRole('button', { name: 'Place Board minutes.pdf under legal hold' }).click();
    await row.getByText('Legal hold').waitFor();
    await page.getByText('Under legal hold: it cannot be deleted.').waitFor();
    await checkPage(page, problems, 'documents-hold');
    // Lifting is confirmed first.
    await page.getByRole('button', { name: 'Lift the legal hold of Board minutes.pdf' }).click();
    const confirm = page.getByRole('dialog', { name: 'Lift the legal hold of Board minutes.pdf?' });
    await confirm.getByRole('button', { name: 'Lift the hold' }).click();
    await expect.poll(() => row.getByText('Legal hold').count()).toBe(0);

    // The matter's hold: every document shows it, and the lawyer is told.
    await page.getByRole('button', { name: 'Place the matter under legal hold' }).click();
    await page.getByText('This matter is under legal hold.', { exact: true }).waitFor();
    await row.getByText('Legal hold').waitFor();
    await checkPage(page, problems, 'matter-hold');
    const lawyerContext = await newContext(browser, t.baseUrl);
    const lawyerPage = await lawyerContext.newPage();
    const lawyerProblems = watch(lawyerPage);
    await signInThroughPage(lawyerPage, lawyer);
    await lawyerPage.goto(`/matters/${matter.id}`);
    await lawyerPage.getByText('This matter is under legal hold: none of its documents can be deleted.').waitFor();
    await lawyerPage.locator('tr[data-document="Board minutes.pdf"]').getByText('Legal hold').waitFor();
    await checkPage(lawyerPage, lawyerProblems, 'matter-hold-lawyer');
    await lawyerContext.close();

    await page.getByRole('button', { name: 'Lift the legal hold', exact: true }).click();
    await page
      .getByRole('dialog', { name: 'Lift the legal hold of this matter?' })
      .getByRole('button', { name: 'Lift the hold' })
      .click();
    await page.getByText('The legal hold of the matter is lifted.').waitFor();
    await expect.poll(() => row.getByText('Legal hold').count()).toBe(0);
    await expectClean(page, problems);
    await context.close();
  });
});
