import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart } from '../../test/helpers/documents.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { startTestTsa, type TestTsa } from '../../test/helpers/tsa.ts';
import { makePdf, validateWithTools } from '../../test/helpers/tsa-pdf.ts';
import { sealEnvelope } from './finalize.ts';

/** With TSA_URLS set, nothing is sealed without a checked token: a TSA outage delays the seal, and a retry seals once. */
describe('sealing with an RFC 3161 time-stamp authority', () => {
  let t: TestApp;
  let tsa: TestTsa;

  beforeAll(async () => {
    tsa = await startTestTsa();
    t = await startTestApp({ env: { PUBLIC_URL: 'https://chambers.example', TSA_URLS: tsa.url } });
  });
  afterAll(async () => {
    await t?.close();
    await tsa?.close();
  });

  it('should show "sealing delayed" while the TSA is down, then seal B-T exactly once', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    const matterId = (
      await t.inject({ method: 'POST', url: '/api/v1/matters', headers: lawyer.headers, payload: { title: 'M' } })
    ).json().id;
    const body = multipart([{ filename: 'c.pdf', content: await makePdf(1) }]);
    const documentId = (
      await t.inject({
        method: 'POST',
        url: `/api/v1/matters/${matterId}/documents`,
        headers: { ...lawyer.headers, ...body.headers },
        payload: body.payload,
      })
    ).json().id;
    const { id } = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/envelopes',
        headers: lawyer.headers,
        payload: {
          title: 'T',
          documentId,
          order: 'parallel',
          recipients: [{ name: 'S', email: 's@example.org', role: 'signer' }],
        },
      })
    ).json();
    await t.inject({ method: 'POST', url: `/api/v1/envelopes/${id}/send`, headers: lawyer.headers });
    const token = /\/sign\/([A-Za-z0-9_-]{43})/.exec((await t.mail()).at(-1)!.text)![1]!;
    await t.inject({ method: 'GET', url: `/api/v1/sign/${token}` });
    await t.inject({ method: 'POST', url: `/api/v1/sign/${token}/consent`, payload: { disclosureVersion: '2025-01' } });
    tsa.down = true;
    const done = await t.inject({
      method: 'POST',
      url: `/api/v1/sign/${token}/complete`,
      payload: { signature: { kind: 'typed', value: 'S' } },
    });
    expect(done.statusCode).toBe(200);
    const get = async () =>
      (await t.inject({ method: 'GET', url: `/api/v1/envelopes/${id}`, headers: lawyer.headers })).json();
    expect(await get()).toMatchObject({ status: 'sent', sealing: 'delayed', finalSha256: null });
    const metrics = await t.ctx.metrics.registry.getSingleMetricAsString('chambers_signature_sealing_delayed_total');
    expect(metrics).toMatch(/chambers_signature_sealing_delayed_total 1/);

    tsa.down = false;
    expect(await sealEnvelope(t.ctx, id)).toBe('sealed');
    expect(await sealEnvelope(t.ctx, id)).toBe('skipped');
    const sealed = await get();
    expect(sealed).toMatchObject({ status: 'completed', sealing: 'done' });
    const evidence = (
      await t.inject({ method: 'GET', url: `/api/v1/envelopes/${id}/evidence`, headers: lawyer.headers })
    ).json();
    expect(evidence.timestamp).toMatchObject({ tsa: new URL(tsa.url).host });
    const file = (await t.inject({ method: 'GET', url: `/api/v1/envelopes/${id}/document`, headers: lawyer.headers }))
      .rawPayload;
    const cert = (
      await t.inject({ method: 'GET', url: '/api/v1/signing/certificate', headers: lawyer.headers })
    ).json();
    validateWithTools(file, cert.chainPem);
    const v = multipart([{ filename: 'x.pdf', content: file }]);
    const verdict = (
      await t.inject({ method: 'POST', url: '/api/v1/verify', headers: v.headers, payload: v.payload })
    ).json();
    expect(verdict).toMatchObject({ verdict: 'valid', knownToChambers: true, timestamp: { tsa: 'Chambers Test TSA' } });
  });
});
