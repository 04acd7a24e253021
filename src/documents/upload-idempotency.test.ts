import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, pdf, vaultCounts } from '../../test/helpers/documents.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

/**
 * Idempotency-Key on uploads: a client whose connection dropped after the upload
 * finished retries with the same key and must get the first document back, not a
 * second copy; a reused key on a different file (told apart by Content-Digest) is refused.
 */
describe('Idempotency-Key on document uploads', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  let matterId: string;
  beforeAll(async () => {
    t = await startTestApp();
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    headers = lawyer.headers;
    matterId = (
      await t.inject({ method: 'POST', url: '/api/v1/matters', headers, payload: { title: 'Retries' } })
    ).json().id;
  });
  afterAll(async () => t?.close());

  const upload = (file: Buffer, extra: Record<string, string>) => {
    const body = multipart([{ filename: 'brief.pdf', content: file, contentType: 'application/pdf' }]);
    return t.inject({
      method: 'POST',
      url: `/api/v1/matters/${matterId}/documents`,
      headers: { ...headers, ...body.headers, ...extra },
      payload: body.payload,
    });
  };

  it('should replay the first upload for a retried key and store one document', async () => {
    const before = await vaultCounts(t);
    const file = pdf('first upload', 5_000);
    const first = await upload(file, { 'idempotency-key': 'upload-retry-1' });
    expect(first.statusCode).toBe(201);
    const again = await upload(file, { 'idempotency-key': 'upload-retry-1' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    const after = await vaultCounts(t);
    expect(after.documents - before.documents).toBe(1);
    expect(after.blobs - before.blobs).toBe(1);
  });

  it('should refuse the same key for a different file when the client sends Content-Digest', async () => {
    const a = pdf('digest a', 4_000);
    const b = pdf('digest b', 4_000);
    const digest = (s: string) => `sha-256=:${Buffer.from(s).toString('base64')}:`;
    const first = await upload(a, { 'idempotency-key': 'upload-retry-2', 'content-digest': digest('a') });
    expect(first.statusCode).toBe(201);
    const other = await upload(b, { 'idempotency-key': 'upload-retry-2', 'content-digest': digest('b') });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('should upload twice without a key', async () => {
    const file = pdf('no key', 3_000);
    const one = await upload(file, {});
    const two = await upload(file, {});
    expect(one.statusCode).toBe(201);
    expect(two.statusCode).toBe(201);
    expect(two.json().id).not.toBe(one.json().id);
  });
});
