import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart } from '../../test/helpers/documents.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { makePdf, validateWithTools } from '../../test/helpers/tsa-pdf.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;

/** The end-to-end signing flow over HTTP: envelope, mails, the public signer steps, the seal and its checks. */
describe('electronic signature', () => {
  let t: TestApp;
  let lawyer: Member;
  let matterId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { PUBLIC_URL: 'https://chambers.example' } });
    lawyer = await signedInMember(t, { role: 'lawyer', orgName: 'Müller & Partner' });
    matterId = (
      await t.inject({ method: 'POST', url: '/api/v1/matters', headers: lawyer.headers, payload: { title: 'Deal' } })
    ).json().id;
  });
  afterAll(async () => t?.close());

  const upload = async (content: Buffer, name = 'contract.pdf', who: Member = lawyer, matter = matterId) => {
    const body = multipart([{ filename: name, content }]);
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/matters/${matter}/documents`,
      headers: { ...who.headers, ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const create = (payload: Record<string, unknown>, who: Member = lawyer) =>
    t.inject({ method: 'POST', url: '/api/v1/envelopes', headers: who.headers, payload });
  const tokenFor = async (email: string): Promise<string> => {
    const mail = (await t.mail()).filter((m) => m.to.replace(/^.*</, '').replace(/>.*$/, '') === email).at(-1);
    const token = mail && /\/sign\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
    if (!token) throw new Error(`no signing link mailed to ${email}`);
    return token;
  };
  const sign = async (token: string, signature = { kind: 'typed', value: 'Signed Name' }, fields: unknown[] = []) => {
    const view = await t.inject({
      method: 'GET',
      url: `/api/v1/sign/${token}`,
      headers: { 'user-agent': 'SignerBrowser/1.0' },
      remoteAddress: '203.0.113.7',
    });
    expect(view.statusCode, view.body).toBe(200);
    const consent = await t.inject({
      method: 'POST',
      url: `/api/v1/sign/${token}/consent`,
      payload: { disclosureVersion: view.json().disclosure.version },
      remoteAddress: '203.0.113.7',
    });
    expect(consent.statusCode, consent.body).toBe(204);
    const fieldValues = fields.length
      ? fields
      : view
          .json()
          .fields.filter((f: { type: string }) => f.type === 'text')
          .map((f: { id: string }) => ({ id: f.id, value: 'ACME Ltd' }));
    return t.inject({
      method: 'POST',
      url: `/api/v1/sign/${token}/complete`,
      payload: { fields: fieldValues, signature },
      headers: { 'user-agent': 'SignerBrowser/1.0' },
      remoteAddress: '203.0.113.7',
    });
  };
  const envelope = async (id: string) =>
    (await t.inject({ method: 'GET', url: `/api/v1/envelopes/${id}`, headers: lawyer.headers })).json();
  const certificate = async () =>
    (await t.inject({ method: 'GET', url: '/api/v1/signing/certificate', headers: lawyer.headers })).json();

  it('should send a parallel envelope, let two signers sign, and seal one PAdES file that pdfsig and openssl accept', async () => {
    const documentId = await upload(await makePdf(2));
    const created = await create({
      title: 'Share purchase agreement',
      documentId,
      order: 'parallel',
      recipients: [
        { name: 'Anna Signer', email: 'anna@example.org', role: 'signer' },
        { name: 'Bob Signer', email: 'bob@example.org', role: 'signer' },
        { name: 'Carl Viewer', email: 'carl@example.org', role: 'viewer' },
      ],
      fields: [
        { recipient: 0, type: 'signature', page: 2, x: 50, y: 100, width: 200, height: 40 },
        { recipient: 0, type: 'text', page: 1, x: 50, y: 600, width: 200, height: 20 },
        { recipient: 1, type: 'signature', page: 2, x: 300, y: 100, width: 200, height: 40 },
        { recipient: 1, type: 'date', page: 2, x: 300, y: 60, width: 100, height: 20 },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json();
    expect(created.json().status).toBe('draft');
    const sent = await t.inject({ method: 'POST', url: `/api/v1/envelopes/${id}/send`, headers: lawyer.headers });
    expect(sent.json()).toEqual({ status: 'sent' });
    const anna = await tokenFor('anna@example.org');
    const bob = await tokenFor('bob@example.org');
    await tokenFor('carl@example.org');
    // Stored only as hashes.
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM chambers.envelope_recipients WHERE token_hash = ${anna}`.execute(t.ctx.db.owner);
    expect(rows[0]?.n).toBe(0);

    const pdfRes = await t.inject({ method: 'GET', url: `/api/v1/sign/${anna}/document` });
    expect(pdfRes.statusCode).toBe(200);
    expect(pdfRes.headers['content-type']).toBe('application/pdf');
    expect((await envelope(id)).documentSha256).toMatch(/^[0-9a-f]{64}$/);

    // Before consent: 409.
    const early = await t.inject({
      method: 'POST',
      url: `/api/v1/sign/${anna}/complete`,
      payload: { signature: { kind: 'typed', value: 'Anna' } },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('CONSENT_REQUIRED');
    // A required field missing: 422.
    await t.inject({ method: 'POST', url: `/api/v1/sign/${anna}/consent`, payload: { disclosureVersion: '2025-01' } });
    const missing = await t.inject({
      method: 'POST',
      url: `/api/v1/sign/${anna}/complete`,
      payload: { signature: { kind: 'typed', value: 'Anna' } },
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().code).toBe('FIELD_REQUIRED');

    expect((await sign(anna, { kind: 'typed', value: 'Anna Signer' })).statusCode).toBe(200);
    // Idempotent double submit.
    expect(
      (
        await t.inject({
          method: 'POST',
          url: `/api/v1/sign/${anna}/complete`,
          payload: { signature: { kind: 'typed', value: 'Anna Signer' } },
        })
      ).statusCode,
    ).toBe(200);
    expect((await envelope(id)).status).toBe('sent');
    const tooEarly = await t.inject({
      method: 'GET',
      url: `/api/v1/envelopes/${id}/document`,
      headers: lawyer.headers,
    });
    expect(tooEarly.statusCode).toBe(409);
    expect(tooEarly.json().code).toBe('ENVELOPE_NOT_COMPLETED');

    expect((await sign(bob, { kind: 'drawn', value: `data:image/png;base64,${TINY_PNG}` })).statusCode).toBe(200);
    const done = await envelope(id);
    expect(done.status).toBe('completed');
    expect(done.sealing).toBe('done');
    expect(done.recipients[0]).toMatchObject({ status: 'signed', ip: '203.0.113.7', userAgent: 'SignerBrowser/1.0' });

    const sealed = await t.inject({ method: 'GET', url: `/api/v1/envelopes/${id}/document`, headers: lawyer.headers });
    expect(sealed.statusCode).toBe(200);
    const file = sealed.rawPayload;
    expect(done.finalSha256).toBe((await import('node:crypto')).createHash('sha256').update(file).digest('hex'));
    const cert = await certificate();
    const report = validateWithTools(file, cert.chainPem);
    expect(report).toContain('Müller & Partner document seal');
    // The evidence JSON is inside the sealed file, and the evidence page is appended.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealed-'));
    fs.writeFileSync(path.join(dir, 'f.pdf'), file);
    execFileSync('pdfdetach', ['-saveall', '-o', dir, path.join(dir, 'f.pdf')]);
    const ev = JSON.parse(fs.readFileSync(path.join(dir, 'chambers-evidence.json'), 'utf8'));
    expect(ev.envelopeId).toBe(id);
    expect(ev.recipients[0].consent.disclosureSha256).toMatch(/^[0-9a-f]{64}$/);
    const text = execFileSync('pdftotext', [path.join(dir, 'f.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Signature evidence');
    expect(text).toContain('Anna Signer');
    expect(text).toContain('ACME Ltd');
    fs.rmSync(dir, { recursive: true, force: true });

    const evidence = await t.inject({
      method: 'GET',
      url: `/api/v1/envelopes/${id}/evidence`,
      headers: lawyer.headers,
    });
    expect(evidence.json()).toMatchObject({ envelopeId: id, finalSha256: done.finalSha256, timestamp: null });
    expect(evidence.json().recipients[1]).toMatchObject({ name: 'Bob Signer', method: 'drawn' });

    const verify = multipart([{ filename: 'sealed.pdf', content: file }]);
    const verdict = await t.inject({
      method: 'POST',
      url: '/api/v1/verify',
      headers: verify.headers,
      payload: verify.payload,
    });
    expect(verdict.json()).toMatchObject({ verdict: 'valid', reasons: [], knownToChambers: true, envelopeId: id });

    // Used links are closed; the audit log has every step.
    expect((await t.inject({ method: 'GET', url: `/api/v1/sign/${anna}` })).statusCode).toBe(410);
    const actions = await sql<{
      action: string;
    }>`SELECT action FROM audit.events WHERE target = ${id} ORDER BY id`.execute(t.ctx.db.owner);
    expect(new Set(actions.rows.map((r) => r.action))).toEqual(
      new Set([
        'envelope.create',
        'envelope.send',
        'envelope.view',
        'envelope.consent',
        'envelope.sign',
        'envelope.seal',
      ]),
    );
  });

  it('should mail sequential recipients one at a time', async () => {
    const documentId = await upload(await makePdf(1));
    const { id } = (
      await create({
        title: 'NDA',
        documentId,
        order: 'sequential',
        recipients: [
          { name: 'First', email: 'first@example.org', role: 'approver' },
          { name: 'Second', email: 'second@example.org', role: 'signer' },
        ],
        fields: [{ recipient: 1, type: 'signature', page: 1, x: 50, y: 50, width: 150, height: 30 }],
      })
    ).json();
    await t.inject({ method: 'POST', url: `/api/v1/envelopes/${id}/send`, headers: lawyer.headers });
    const first = await tokenFor('first@example.org');
    await expect(tokenFor('second@example.org')).rejects.toThrow();
    expect((await envelope(id)).recipients[1].status).toBe('waiting');
    expect((await sign(first, undefined as never)).statusCode).toBe(200);
    const second = await tokenFor('second@example.org');
    expect((await sign(second)).statusCode).toBe(200);
    expect((await envelope(id)).status).toBe('completed');
  });

  it('should close every link on decline, void and expiry, and answer 404 to random tokens', async () => {
    const documentId = await upload(await makePdf(1));
    const mk = async (email: string, expiresInDays = 30) => {
      const { id } = (
        await create({
          title: 'T',
          documentId,
          order: 'parallel',
          expiresInDays,
          recipients: [
            { name: 'A', email, role: 'signer' },
            { name: 'B', email: `b-${email}`, role: 'signer' },
          ],
        })
      ).json();
      await t.inject({ method: 'POST', url: `/api/v1/envelopes/${id}/send`, headers: lawyer.headers });
      return { id, a: await tokenFor(email), b: await tokenFor(`b-${email}`) };
    };
    const declined = await mk('dec@example.org');
    const dec = await t.inject({
      method: 'POST',
      url: `/api/v1/sign/${declined.a}/decline`,
      payload: { reason: 'Wrong amount' },
    });
    expect(dec.json()).toEqual({ status: 'declined' });
    expect((await envelope(declined.id)).status).toBe('declined');
    expect((await envelope(declined.id)).recipients[0].declineReason).toBe('Wrong amount');
    expect((await t.inject({ method: 'GET', url: `/api/v1/sign/${declined.b}` })).json().code).toBe('ENVELOPE_CLOSED');

    const voided = await mk('void@example.org');
    expect(
      (
        await t.inject({
          method: 'POST',
          url: `/api/v1/envelopes/${voided.id}/void`,
          headers: lawyer.headers,
          payload: { reason: 'Superseded' },
        })
      ).json(),
    ).toEqual({ status: 'voided' });
    for (const tok of [voided.a, voided.b])
      expect((await t.inject({ method: 'GET', url: `/api/v1/sign/${tok}` })).statusCode).toBe(410);

    const expiring = await mk('exp@example.org', 1);
    await sql`UPDATE chambers.envelopes SET expires_at = now() - interval '1 minute' WHERE id = ${expiring.id}`.execute(
      t.ctx.db.owner,
    );
    expect((await t.inject({ method: 'GET', url: `/api/v1/sign/${expiring.a}` })).statusCode).toBe(410);
    expect((await envelope(expiring.id)).status).toBe('expired');

    expect((await t.inject({ method: 'GET', url: `/api/v1/sign/${'A'.repeat(43)}` })).statusCode).toBe(404);
    expect((await t.inject({ method: 'GET', url: '/api/v1/sign/short' })).statusCode).toBe(404);
  });

  it('should keep envelopes inside their organization and a token inside its envelope', async () => {
    const other = await signedInMember(t, { role: 'lawyer' });
    const documentId = await upload(await makePdf(1));
    const { id } = (
      await create({
        title: 'Mine',
        documentId,
        order: 'parallel',
        recipients: [{ name: 'X', email: 'iso@example.org', role: 'signer' }],
      })
    ).json();
    expect((await t.inject({ method: 'GET', url: `/api/v1/envelopes/${id}`, headers: other.headers })).statusCode).toBe(
      404,
    );
    expect(
      (await t.inject({ method: 'POST', url: `/api/v1/envelopes/${id}/send`, headers: other.headers })).statusCode,
    ).toBe(404);
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/envelopes', headers: other.headers })).json().envelopes,
    ).toEqual([]);
    // Another org cannot build an envelope over my document.
    expect(
      (
        await create(
          {
            title: 'Theirs',
            documentId,
            order: 'parallel',
            recipients: [{ name: 'X', email: 'x@example.org', role: 'signer' }],
          },
          other,
        )
      ).statusCode,
    ).toBe(404);
    await t.inject({ method: 'POST', url: `/api/v1/envelopes/${id}/send`, headers: lawyer.headers });
    const token = await tokenFor('iso@example.org');
    // The token reaches its own envelope's document only: nothing in the API takes an envelope id with a token.
    const view = (await t.inject({ method: 'GET', url: `/api/v1/sign/${token}` })).json();
    expect(view.envelope.title).toBe('Mine');
  });

  it('should refuse bad input with a 4xx and a stable code', async () => {
    const notPdf = await upload(Buffer.from('just some text, not a pdf\n'), 'notes.txt');
    const expectCode = async (payload: Record<string, unknown>, status: number, code?: string) => {
      const res = await create(payload);
      expect(res.statusCode, res.body).toBe(status);
      if (code) expect(res.json().code).toBe(code);
    };
    const base = { title: 'X', order: 'parallel', recipients: [{ name: 'A', email: 'a@example.org', role: 'signer' }] };
    await expectCode({ ...base, documentId: notPdf }, 422, 'UNSUPPORTED_DOCUMENT');
    const pdfId = await upload(await makePdf(1));
    await expectCode(
      { ...base, documentId: pdfId, recipients: [{ name: 'A', email: 'not-an-address', role: 'signer' }] },
      400,
    );
    await expectCode(
      {
        ...base,
        documentId: pdfId,
        recipients: Array.from({ length: 100 }, (_, i) => ({
          name: `R${i}`,
          email: `r${i}@example.org`,
          role: 'signer',
        })),
      },
      400,
    );
    await expectCode(
      {
        ...base,
        documentId: pdfId,
        fields: [{ recipient: 0, type: 'signature', page: 1, x: 500, y: 800, width: 200, height: 80 }],
      },
      422,
      'FIELD_OFF_PAGE',
    );
    await expectCode(
      {
        ...base,
        documentId: pdfId,
        fields: [{ recipient: 0, type: 'signature', page: 2, x: 5, y: 5, width: 20, height: 20 }],
      },
      422,
      'FIELD_OFF_PAGE',
    );
    await expectCode(
      {
        ...base,
        documentId: pdfId,
        fields: [{ recipient: 3, type: 'signature', page: 1, x: 5, y: 5, width: 20, height: 20 }],
      },
      422,
      'FIELD_RECIPIENT_INVALID',
    );
    // Encrypted (qpdf), zero pages, malformed.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enc-'));
    fs.writeFileSync(path.join(dir, 'in.pdf'), await makePdf(1));
    execFileSync('qpdf', [
      '--encrypt',
      'user',
      'owner',
      '256',
      '--',
      path.join(dir, 'in.pdf'),
      path.join(dir, 'out.pdf'),
    ]);
    await expectCode(
      { ...base, documentId: await upload(fs.readFileSync(path.join(dir, 'out.pdf')), 'enc.pdf') },
      422,
      'PDF_ENCRYPTED',
    );
    fs.rmSync(dir, { recursive: true, force: true });
    const zeroPages = Buffer.from(
      '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
    );
    await expectCode({ ...base, documentId: await upload(zeroPages, 'zero.pdf') }, 422, 'PDF_NO_PAGES');
    // A drawn signature that is not a PNG.
    const { id } = (
      await create({
        ...base,
        documentId: pdfId,
        recipients: [{ name: 'A', email: 'png@example.org', role: 'signer' }],
      })
    ).json();
    await t.inject({ method: 'POST', url: `/api/v1/envelopes/${id}/send`, headers: lawyer.headers });
    const res = await sign(await tokenFor('png@example.org'), {
      kind: 'drawn',
      value: 'data:image/png;base64,PHN2Zz48L3N2Zz4=',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('SIGNATURE_INVALID');
  });

  it('should seal exactly once when the last two signers of a parallel envelope finish together', async () => {
    const documentId = await upload(await makePdf(1));
    const recipients = Array.from({ length: 6 }, (_, i) => ({
      name: `P${i}`,
      email: `par${i}@example.org`,
      role: 'signer',
    }));
    const { id } = (await create({ title: 'Race', documentId, order: 'parallel', recipients })).json();
    await t.inject({ method: 'POST', url: `/api/v1/envelopes/${id}/send`, headers: lawyer.headers });
    const tokens = await Promise.all(recipients.map((r) => tokenFor(r.email)));
    for (const tok of tokens) {
      const v = await t.inject({ method: 'GET', url: `/api/v1/sign/${tok}` });
      await t.inject({
        method: 'POST',
        url: `/api/v1/sign/${tok}/consent`,
        payload: { disclosureVersion: v.json().disclosure.version },
      });
    }
    const results = await Promise.all(
      tokens.map((tok) =>
        t.inject({
          method: 'POST',
          url: `/api/v1/sign/${tok}/complete`,
          payload: { signature: { kind: 'typed', value: 'Same time' } },
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(tokens.map(() => 200));
    const seals = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM chambers.envelope_events WHERE envelope_id = ${id} AND kind = 'seal'`.execute(
      t.ctx.db.owner,
    );
    expect(seals.rows[0]?.n).toBe(1);
    expect((await envelope(id)).status).toBe('completed');
  });
});

/** A 1×1 PNG. */
const TINY_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
