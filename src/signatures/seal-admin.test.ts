import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart } from '../../test/helpers/documents.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { startTestTsa, type TestTsa } from '../../test/helpers/tsa.ts';
import { makePdf, makeSealPkcs12, validateWithTools } from '../../test/helpers/tsa-pdf.ts';
import { manualClock } from '../platform/clock.ts';
import { unsafeRemind } from './seal.service.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;

/** Helpers over HTTP shared by the cases below: an envelope to one or two signers, their links, signing. */
function envelopeFlow(get: () => { t: TestApp; lawyer: Member }) {
  const upload = async () => {
    const { t, lawyer } = get();
    const matterId = (
      await t.inject({ method: 'POST', url: '/api/v1/matters', headers: lawyer.headers, payload: { title: 'M' } })
    ).json().id;
    const body = multipart([{ filename: 'c.pdf', content: await makePdf(1) }]);
    return (
      await t.inject({
        method: 'POST',
        url: `/api/v1/matters/${matterId}/documents`,
        headers: { ...lawyer.headers, ...body.headers },
        payload: body.payload,
      })
    ).json().id as string;
  };
  const send = async (emails: string[]) => {
    const { t, lawyer } = get();
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/envelopes',
      headers: lawyer.headers,
      payload: {
        title: 'Lease',
        documentId: await upload(),
        order: 'parallel',
        recipients: emails.map((email, i) => ({ name: `Signer ${i + 1}`, email, role: 'signer' })),
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json();
    expect(
      (await t.inject({ method: 'POST', url: `/api/v1/envelopes/${id}/send`, headers: lawyer.headers })).statusCode,
    ).toBe(200);
    return id as string;
  };
  const tokenFor = async (email: string) => {
    const mail = (await get().t.mail()).filter((m) => m.to.includes(email)).at(-1);
    return /\/sign\/([A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')![1]!;
  };
  const sign = async (token: string) => {
    const { t } = get();
    await t.inject({ method: 'GET', url: `/api/v1/sign/${token}` });
    await t.inject({ method: 'POST', url: `/api/v1/sign/${token}/consent`, payload: { disclosureVersion: '2025-01' } });
    return t.inject({
      method: 'POST',
      url: `/api/v1/sign/${token}/complete`,
      payload: { signature: { kind: 'typed', value: 'Signer' } },
    });
  };
  const envelope = async (id: string) =>
    (await get().t.inject({ method: 'GET', url: `/api/v1/envelopes/${id}`, headers: get().lawyer.headers })).json();
  const sealedFile = async (id: string) =>
    (await get().t.inject({ method: 'GET', url: `/api/v1/envelopes/${id}/document`, headers: get().lawyer.headers }))
      .rawPayload;
  const outboundEvents = async (envelopeId: string) =>
    (
      await sql<{
        type: string;
      }>`SELECT type FROM chambers.outbound_events WHERE data->>'envelopeId' = ${envelopeId} `.execute(
        get().t.ctx.db.owner,
      )
    ).rows
      .map((r) => r.type)
      .sort();
  return { send, tokenFor, sign, envelope, sealedFile, outboundEvents };
}

describe('seal certificates: a CA-issued PKCS#12, the root download, expiry warnings', () => {
  let t: TestApp;
  let lawyer: Member;
  let admin: Member;
  const flow = envelopeFlow(() => ({ t, lawyer }));

  beforeAll(async () => {
    t = await startTestApp({ env: { PUBLIC_URL: 'https://chambers.example' } });
    lawyer = await signedInMember(t, { role: 'lawyer', orgName: 'Harbour & Vale LLP' });
    admin = await signedInMember(t, { role: 'org_admin', orgId: lawyer.orgId });
  });
  afterAll(async () => t?.close());

  const upload = (who: Member, p12: Buffer, password: string) =>
    t.inject({
      method: 'PUT',
      url: '/api/v1/signing/certificate',
      headers: who.headers,
      payload: { pkcs12: p12.toString('base64'), password },
    });

  it('should let an org_admin replace the generated seal with a CA-issued PKCS#12 and seal with it', async () => {
    // Sealed under the generated certificate first: it must still verify after the change.
    const before = await flow.send(['first@example.org']);
    expect((await flow.sign(await flow.tokenFor('first@example.org'))).statusCode).toBe(200);
    const oldFile = await flow.sealedFile(before);

    const { p12, caPem } = makeSealPkcs12({ days: 400, password: 'correct horse' });
    const wrong = await upload(admin, p12, 'wrong');
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().code).toBe('SEAL_CERTIFICATE_INVALID');
    expect((await upload(lawyer, p12, 'correct horse')).statusCode).toBe(403);
    const garbage = await upload(admin, Buffer.from('not a pkcs12 file at all'), 'x');
    expect(garbage.json().code).toBe('SEAL_CERTIFICATE_INVALID');

    const ok = await upload(admin, p12, 'correct horse');
    expect(ok.statusCode, ok.body).toBe(200);
    const cert = ok.json();
    expect(new crypto.X509Certificate(cert.certificatePem).subject).toContain('Harbour & Vale LLP seal');
    expect(cert.chainPem).toContain(caPem.trim().split('\n')[1]);
    const keyBoxes = await sql<{ source: string; retired: boolean; clear: boolean }>`
      SELECT source, retired_at IS NOT NULL AS retired, position('PRIVATE KEY' in encode(key_box, 'escape')) > 0 AS clear
      FROM chambers.seal_certificates WHERE org_id = ${lawyer.orgId} ORDER BY created_at`.execute(t.ctx.db.owner);
    expect(keyBoxes.rows.map((r) => [r.source, r.retired, r.clear])).toEqual([
      ['generated', true, false],
      ['uploaded', false, false],
    ]);

    const after = await flow.send(['second@example.org']);
    expect((await flow.sign(await flow.tokenFor('second@example.org'))).statusCode).toBe(200);
    expect(await flow.envelope(after)).toMatchObject({ status: 'completed' });
    const newFile = await flow.sealedFile(after);
    validateWithTools(newFile, caPem);
    for (const file of [oldFile, newFile]) {
      const v = multipart([{ filename: 'x.pdf', content: file }]);
      const verdict = (
        await t.inject({ method: 'POST', url: '/api/v1/verify', headers: v.headers, payload: v.payload })
      ).json();
      expect(verdict).toMatchObject({ verdict: 'valid', knownToChambers: true });
    }
    expect(await flow.outboundEvents(after)).toEqual(['envelope.completed', 'envelope.sent']);
  });

  it('should serve the root certificate as a PEM download', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/signing/root-certificate', headers: lawyer.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-pem-file');
    expect(res.headers['content-disposition']).toBe('attachment; filename="chambers-seal-root.pem"');
    const root = new crypto.X509Certificate(res.body);
    expect(root.ca).toBe(true);
    expect(root.subject).toBe(root.issuer);
    expect((await t.inject({ method: 'GET', url: '/api/v1/signing/root-certificate' })).statusCode).toBe(401);
  });

  it('should raise a readiness alarm 30 days before the seal certificate ends, and clear it with a new one', async () => {
    const ready = async () => (await t.inject({ method: 'GET', url: '/readyz' })).json();
    expect((await ready()).checks['seal-certificates']).toBe('ok');
    const soon = makeSealPkcs12({ days: 20, password: 'pw' });
    expect((await upload(admin, soon.p12, 'pw')).statusCode).toBe(200);
    const res = await t.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json().checks['seal-certificates']).toBe('alarm');
    const rsa = makeSealPkcs12({ days: 400, password: 'pw', rsa: true });
    expect((await upload(admin, rsa.p12, 'pw')).statusCode).toBe(200);
    expect((await ready()).checks['seal-certificates']).toBe('ok');
    // An RSA seal signs too.
    const id = await flow.send(['rsa@example.org']);
    expect((await flow.sign(await flow.tokenFor('rsa@example.org'))).statusCode).toBe(200);
    validateWithTools(await flow.sealedFile(id), rsa.caPem);
  });
});

describe('reminders, the B-B allowance and envelope webhooks', () => {
  let t: TestApp;
  let tsa: TestTsa;
  let lawyer: Member;
  let admin: Member;
  const clock = manualClock();
  const flow = envelopeFlow(() => ({ t, lawyer }));

  beforeAll(async () => {
    tsa = await startTestTsa();
    t = await startTestApp({ clock, env: { PUBLIC_URL: 'https://chambers.example', TSA_URLS: tsa.url } });
    lawyer = await signedInMember(t, { role: 'lawyer' });
    admin = await signedInMember(t, { role: 'org_admin', orgId: lawyer.orgId });
  });
  afterAll(async () => {
    await t?.close();
    await tsa?.close();
  });

  it('should seal B-B when every TSA fails only if the organization allows it, and say so in the evidence', async () => {
    tsa.down = true;
    try {
      const waiting = await flow.send(['wait@example.org']);
      expect((await flow.sign(await flow.tokenFor('wait@example.org'))).statusCode).toBe(200);
      expect(await flow.envelope(waiting)).toMatchObject({ status: 'sent', sealing: 'delayed' });

      expect(
        (await t.inject({ method: 'GET', url: '/api/v1/signing/settings', headers: lawyer.headers })).json(),
      ).toEqual({
        allowBaselineB: false,
      });
      const denied = await t.inject({
        method: 'PATCH',
        url: '/api/v1/signing/settings',
        headers: lawyer.headers,
        payload: { allowBaselineB: true },
      });
      expect(denied.statusCode).toBe(403);
      const allowed = await t.inject({
        method: 'PATCH',
        url: '/api/v1/signing/settings',
        headers: admin.headers,
        payload: { allowBaselineB: true },
      });
      expect(allowed.json()).toEqual({ allowBaselineB: true });

      const id = await flow.send(['now@example.org']);
      expect((await flow.sign(await flow.tokenFor('now@example.org'))).statusCode).toBe(200);
      expect(await flow.envelope(id)).toMatchObject({ status: 'completed', sealing: 'done' });
      const evidence = (
        await t.inject({ method: 'GET', url: `/api/v1/envelopes/${id}/evidence`, headers: lawyer.headers })
      ).json();
      expect(evidence.timestamp).toBeNull();
      const stored = await sql<{ level: string; policy: string }>`
        SELECT evidence->>'level' AS level, evidence->>'timestampPolicy' AS policy FROM chambers.envelopes WHERE id = ${id}`.execute(
        t.ctx.db.owner,
      );
      expect(stored.rows[0]).toMatchObject({ level: 'B-B' });
      expect(stored.rows[0]!.policy).toMatch(/organization allows/);
      validateWithTools(
        await flow.sealedFile(id),
        (await t.inject({ method: 'GET', url: '/api/v1/signing/certificate', headers: lawyer.headers })).json()
          .chainPem,
      );
      expect(await flow.outboundEvents(id)).toEqual(['envelope.completed', 'envelope.sent']);
    } finally {
      tsa.down = false;
    }
  });

  it('should publish envelope.declined', async () => {
    const id = await flow.send(['no@example.org']);
    const token = await flow.tokenFor('no@example.org');
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/sign/${token}/decline`,
      payload: { reason: 'Wrong price' },
    });
    expect(res.statusCode).toBe(200);
    expect(await flow.outboundEvents(id)).toEqual(['envelope.declined', 'envelope.sent']);
  });

  it('should remind a signer who has not acted with a fresh link, at most once per interval', async () => {
    const id = await flow.send(['slow@example.org', 'quick@example.org']);
    const first = await flow.tokenFor('slow@example.org');
    expect((await flow.sign(await flow.tokenFor('quick@example.org'))).statusCode).toBe(200);
    expect(await unsafeRemind(t.ctx)).toBe(0);
    clock.advance(3 * 86_400_000 + 60_000);
    expect(await unsafeRemind(t.ctx)).toBe(1);
    expect(await unsafeRemind(t.ctx)).toBe(0);
    const mail = (await t.mail()).filter((m) => m.to.includes('slow@example.org')).at(-1)!;
    expect(mail.subject).toMatch(/^Reminder: /);
    const fresh = await flow.tokenFor('slow@example.org');
    // Back to the present: the sessions and the time-stamp check run on this clock too.
    clock.set(new Date());
    expect(fresh).not.toBe(first);
    expect((await t.inject({ method: 'GET', url: `/api/v1/sign/${first}` })).statusCode).toBe(404);
    expect((await flow.sign(fresh)).statusCode).toBe(200);
    expect(await flow.envelope(id)).toMatchObject({ status: 'completed', sealing: 'done' });
    const kinds = await sql<{ kind: string }>`
      SELECT kind FROM chambers.envelope_events WHERE envelope_id = ${id} AND kind = 'remind'`.execute(t.ctx.db.owner);
    expect(kinds.rows).toHaveLength(1);
  });
});
