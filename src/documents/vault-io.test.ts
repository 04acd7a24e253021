import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, pdf } from '../../test/helpers/documents.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { withTenant } from '../platform/db/tenant.ts';
import { findSealedVersion } from './documents.repository.ts';
import { openPlaintext, PlaintextMismatchError, unwrapVersionKey } from './vault-io.ts';

/**
 * The download path checks the decrypted bytes against the size and SHA-256 the upload
 * recorded: a blob that decrypts fine but was sealed from the wrong bytes (a bug in the
 * upload pipeline, a restored backup of another version) fails instead of being served.
 */
describe('openPlaintext', () => {
  let t: TestApp;
  let member: { orgId: string; userId: string; headers: Record<string, string> };
  let documentId: string;
  const content = pdf('checked download', 70_000);

  beforeAll(async () => {
    t = await startTestApp();
    member = await signedInMember(t, { role: 'lawyer' });
    const matterId = (
      await t.inject({ method: 'POST', url: '/api/v1/matters', headers: member.headers, payload: { title: 'Checked' } })
    ).json().id;
    const body = multipart([{ filename: 'checked.pdf', content }]);
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/matters/${matterId}/documents`,
      headers: { ...member.headers, ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    documentId = res.json().id;
  });
  afterAll(async () => t?.close());

  const open = (change: { size?: number; sha256?: string }) =>
    withTenant(t.ctx.db, { orgId: member.orgId, userId: member.userId }, async (tx) => {
      const sealed = await findSealedVersion(tx, documentId, 1);
      if (!sealed) throw new Error('version not found');
      const key = await unwrapVersionKey(t.ctx, tx, sealed);
      if (!key) throw new Error('version shredded');
      return openPlaintext(t.ctx, { ...sealed, ...change }, key);
    });

  it('should return the recorded bytes when they match', async () => {
    expect(await text(await open({}))).toBe(content.toString('latin1'));
  });

  it('should fail the stream when the recorded SHA-256 differs', async () => {
    await expect(text(await open({ sha256: '0'.repeat(64) }))).rejects.toBeInstanceOf(PlaintextMismatchError);
  });

  it('should fail the stream when the recorded size differs', async () => {
    await expect(text(await open({ size: content.length + 1 }))).rejects.toBeInstanceOf(PlaintextMismatchError);
  });
});
