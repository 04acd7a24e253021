import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, pdf, rawBlobFiles, vaultCounts } from '../../test/helpers/documents.ts';
import {
  bearer,
  createMember,
  login,
  signedInMember,
  startTestApp,
  type TestApp,
} from '../../test/helpers/test-app.ts';

type Headers = Record<string, string>;

describe('the document vault over HTTP', () => {
  let t: TestApp;
  let admin: { orgId: string; userId: string; headers: Headers };
  let lawyer: { userId: string; headers: Headers };
  let matterId: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signedInMember(t, { role: 'org_admin' });
    const m = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    lawyer = { userId: m.userId, headers: bearer((await login(t, m.email)).accessToken) };
    matterId = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/matters',
        headers: lawyer.headers,
        payload: { title: 'Vault matter', reference: 'VM-1' },
      })
    ).json().id;
  });
  afterAll(async () => t?.close());

  const upload = (
    headers: Headers,
    content: Buffer | string,
    filename = 'brief.pdf',
    url = `/api/v1/matters/${matterId}/documents`,
  ) => {
    const body = multipart([{ filename, content }]);
    return t.inject({ method: 'POST', url, headers: { ...headers, ...body.headers }, payload: body.payload });
  };
  const auditActions = async (target: string) =>
    (
      await sql<{ action: string }>`SELECT action FROM audit.events WHERE target = ${target} ORDER BY seq`.execute(
        t.ctx.db.owner,
      )
    ).rows.map((r) => r.action);

  it('should store, describe and return a document byte for byte, with safe download headers and an audit trail', async () => {
    const content = pdf('round-trip');
    const res = await upload(lawyer.headers, content, 'Schriftsatz Müller.pdf');
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json();
    expect(doc).toMatchObject({
      name: 'Schriftsatz Müller.pdf',
      size: content.length,
      contentType: 'application/pdf',
      version: 1,
      matterId,
      sha256: crypto.createHash('sha256').update(content).digest('hex'),
      expiresAt: null,
      scanStatus: 'not_configured',
    });
    const meta = await t.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}`, headers: lawyer.headers });
    expect(meta.json()).toEqual(doc);
    const got = await t.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}/content`, headers: lawyer.headers });
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(content)).toBe(true);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-security-policy']).toBe('sandbox');
    expect(got.headers['content-disposition']).toBe(
      `attachment; filename="Schriftsatz M_ller.pdf"; filename*=UTF-8''Schriftsatz%20M%C3%BCller.pdf`,
    );
    const list = await t.inject({
      method: 'GET',
      url: `/api/v1/matters/${matterId}/documents`,
      headers: lawyer.headers,
    });
    expect(list.json().documents.map((d: { id: string }) => d.id)).toContain(doc.id);
    expect(await auditActions(doc.id)).toEqual(['document.upload', 'document.view', 'document.download']);
  });

  it('should stream a 30 MB file in and out under a raised per-organization limit, and never write its plaintext to the blobs directory', async () => {
    const raised = await t.inject({
      method: 'PUT',
      url: '/api/v1/document-policy',
      headers: admin.headers,
      payload: { maxUploadBytes: 40 * 1024 * 1024 },
    });
    expect(raised.statusCode, raised.body).toBe(200);
    const big = pdf('thirty-megabytes-of-privilege', 30 * 1024 * 1024);
    const res = await upload(lawyer.headers, big, 'big.pdf');
    expect(res.statusCode, res.body).toBe(201);
    const got = await t.inject({
      method: 'GET',
      url: `/api/v1/documents/${res.json().id}/content`,
      headers: lawyer.headers,
    });
    expect(got.rawPayload.length).toBe(big.length);
    expect(crypto.createHash('sha256').update(got.rawPayload).digest('hex')).toBe(res.json().sha256);
    const files = rawBlobFiles(t.dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(f.includes('thirty-megabytes-of-privilege')).toBe(false);
      expect(f.includes('%PDF-1.4')).toBe(false);
    }
    await t.inject({
      method: 'PUT',
      url: '/api/v1/document-policy',
      headers: admin.headers,
      payload: { maxUploadBytes: 15 * 1024 * 1024 },
    });
  });

  it('should keep earlier versions listable and downloadable while listing only the current one', async () => {
    const v1 = pdf('version-one');
    const v2 = pdf('version-two');
    const doc = (await upload(lawyer.headers, v1, 'contract.pdf')).json();
    const res = await upload(lawyer.headers, v2, 'contract-v2.pdf', `/api/v1/documents/${doc.id}/versions`);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ id: doc.id, version: 2, name: 'contract.pdf' });
    const versions = (
      await t.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}/versions`, headers: lawyer.headers })
    ).json().versions;
    expect(versions.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([
      [2, true],
      [1, false],
    ]);
    const old = await t.inject({
      method: 'GET',
      url: `/api/v1/documents/${doc.id}/versions/1/content`,
      headers: lawyer.headers,
    });
    expect(old.rawPayload.equals(v1)).toBe(true);
    expect(old.headers['content-disposition']).toContain('contract.pdf');
    const current = await t.inject({
      method: 'GET',
      url: `/api/v1/documents/${doc.id}/content`,
      headers: lawyer.headers,
    });
    expect(current.rawPayload.equals(v2)).toBe(true);
    const listed = (
      await t.inject({ method: 'GET', url: `/api/v1/matters/${matterId}/documents`, headers: lawyer.headers })
    )
      .json()
      .documents.filter((d: { id: string }) => d.id === doc.id);
    expect(listed).toHaveLength(1);
    expect(listed[0].version).toBe(2);
    expect(
      (
        await t.inject({
          method: 'GET',
          url: `/api/v1/documents/${doc.id}/versions/3/content`,
          headers: lawyer.headers,
        })
      ).statusCode,
    ).toBe(404);
  });

  it('should delete for good: keys erased, blobs gone, a nameless tombstone kept, the deletion audited', async () => {
    const doc = (await upload(lawyer.headers, pdf('to-be-shredded'), 'shred-me.pdf')).json();
    await upload(lawyer.headers, pdf('to-be-shredded-2'), 'shred-me-2.pdf', `/api/v1/documents/${doc.id}/versions`);
    const before = await vaultCounts(t);
    const del = await t.inject({ method: 'DELETE', url: `/api/v1/documents/${doc.id}`, headers: lawyer.headers });
    expect(del.statusCode, del.body).toBe(204);
    expect((await vaultCounts(t)).blobs).toBe(before.blobs - 2);
    const rows = (
      await sql<{ name: string | null; deleted_at: Date | null; key: Buffer | null; vname: string | null }>`
      SELECT d.name, d.deleted_at, v.wrapped_data_key AS key, v.name AS vname FROM chambers.documents d JOIN chambers.document_versions v ON v.document_id = d.id
       WHERE d.id = ${doc.id}`.execute(t.ctx.db.owner)
    ).rows;
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r).toMatchObject({ name: null, key: null, vname: null, deleted_at: expect.any(Date) });
    for (const url of [
      `/api/v1/documents/${doc.id}`,
      `/api/v1/documents/${doc.id}/content`,
      `/api/v1/documents/${doc.id}/versions/1/content`,
    ]) {
      expect((await t.inject({ method: 'GET', url, headers: lawyer.headers })).statusCode, url).toBe(404);
    }
    expect(await auditActions(doc.id)).toContain('document.delete');
  });

  it('should refuse deletion under a legal hold on the matter or on the document (409 LEGAL_HOLD)', async () => {
    const held = (
      await t.inject({ method: 'POST', url: '/api/v1/matters', headers: lawyer.headers, payload: { title: 'Held' } })
    ).json();
    const doc = (await upload(lawyer.headers, pdf('held'), 'held.pdf', `/api/v1/matters/${held.id}/documents`)).json();
    expect(
      (
        await t.inject({
          method: 'PUT',
          url: `/api/v1/matters/${held.id}/legal-hold`,
          headers: admin.headers,
          payload: { hold: true },
        })
      ).json().legalHold,
    ).toBe(true);
    const refused = await t.inject({ method: 'DELETE', url: `/api/v1/documents/${doc.id}`, headers: lawyer.headers });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('LEGAL_HOLD');
    await t.inject({
      method: 'PUT',
      url: `/api/v1/matters/${held.id}/legal-hold`,
      headers: admin.headers,
      payload: { hold: false },
    });
    expect(
      (
        await t.inject({
          method: 'PUT',
          url: `/api/v1/documents/${doc.id}/legal-hold`,
          headers: admin.headers,
          payload: { hold: true },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await t.inject({ method: 'DELETE', url: `/api/v1/documents/${doc.id}`, headers: admin.headers })).json().code,
    ).toBe('LEGAL_HOLD');
    await t.inject({
      method: 'PUT',
      url: `/api/v1/documents/${doc.id}/legal-hold`,
      headers: admin.headers,
      payload: { hold: false },
    });
    expect(
      (await t.inject({ method: 'DELETE', url: `/api/v1/documents/${doc.id}`, headers: admin.headers })).statusCode,
    ).toBe(204);
  });

  it('should search by name, tag and matter reference, never by content', async () => {
    const doc = (await upload(lawyer.headers, pdf('secret-content-word'), 'engagement letter.pdf')).json();
    expect(
      (
        await t.inject({
          method: 'PATCH',
          url: `/api/v1/documents/${doc.id}`,
          headers: lawyer.headers,
          payload: { tags: ['Contracts'] },
        })
      ).json().tags,
    ).toEqual(['contracts']);
    const ids = async (q: string) =>
      (await t.inject({ method: 'GET', url: `/api/v1/documents?${q}`, headers: lawyer.headers }))
        .json()
        .documents.map((d: { id: string }) => d.id);
    expect(await ids('q=engagement')).toContain(doc.id);
    expect(await ids('tag=contracts')).toEqual([doc.id]);
    expect(await ids('q=VM-1')).toContain(doc.id);
    expect(await ids('q=secret-content-word')).toEqual([]);
  });

  it('should let a reviewer read but not upload, tag or delete', async () => {
    const doc = (await upload(lawyer.headers, pdf('reviewed'), 'reviewed.pdf')).json();
    const r = await createMember(t, { role: 'reviewer', orgId: admin.orgId });
    const headers = bearer((await login(t, r.email)).accessToken);
    expect((await t.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}/content`, headers })).statusCode).toBe(
      200,
    );
    expect((await upload(headers, pdf(), 'nope.pdf')).statusCode).toBe(403);
    expect(
      (await t.inject({ method: 'PATCH', url: `/api/v1/documents/${doc.id}`, headers, payload: { tags: ['x'] } }))
        .statusCode,
    ).toBe(403);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/documents/${doc.id}`, headers })).statusCode).toBe(403);
    // A lawyer who is not the author may not delete either; its author and an org_admin may.
    const other = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const otherHeaders = bearer((await login(t, other.email)).accessToken);
    expect(
      (await t.inject({ method: 'DELETE', url: `/api/v1/documents/${doc.id}`, headers: otherHeaders })).statusCode,
    ).toBe(403);
  });

  it('should apply retention through its job: expiresAt shown, deleted when due, held documents kept', async () => {
    const { runRetention } = await import('../jobs/document-retention-job.ts');
    const policy = await t.inject({
      method: 'PUT',
      url: '/api/v1/document-policy',
      headers: admin.headers,
      payload: { retentionDays: 90, retentionTag: 'contracts' },
    });
    expect(policy.json()).toMatchObject({ retentionDays: 90, retentionTag: 'contracts' });
    const due = (await upload(lawyer.headers, pdf('due'), 'due.pdf')).json();
    const kept = (await upload(lawyer.headers, pdf('kept'), 'kept.pdf')).json();
    const held = (await upload(lawyer.headers, pdf('held'), 'held.pdf')).json();
    for (const d of [due, held])
      await t.inject({
        method: 'PATCH',
        url: `/api/v1/documents/${d.id}`,
        headers: lawyer.headers,
        payload: { tags: ['contracts'] },
      });
    await t.inject({
      method: 'PUT',
      url: `/api/v1/documents/${held.id}/legal-hold`,
      headers: admin.headers,
      payload: { hold: true },
    });
    const meta = (
      await t.inject({ method: 'GET', url: `/api/v1/documents/${due.id}`, headers: lawyer.headers })
    ).json();
    expect(new Date(meta.expiresAt).getTime() - new Date(meta.createdAt).getTime()).toBe(90 * 86_400_000);
    // The matter's list shows the same dates: it reads the retention setting in its one statement.
    const listed = (
      await t.inject({ method: 'GET', url: `/api/v1/matters/${due.matterId}/documents`, headers: lawyer.headers })
    ).json().documents as Array<{ id: string; expiresAt: string | null }>;
    expect(listed.find((d) => d.id === due.id)?.expiresAt).toBe(meta.expiresAt);
    expect(listed.find((d) => d.id === kept.id)?.expiresAt).toBeNull();
    // Age the documents past their retention (the job compares with the app clock).
    await sql`UPDATE chambers.documents SET created_at = now() - interval '91 days' WHERE id IN (${due.id}, ${kept.id}, ${held.id})`.execute(
      t.ctx.db.owner,
    );
    expect(await runRetention(t.ctx)).toBeGreaterThanOrEqual(1);
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/documents/${due.id}`, headers: lawyer.headers })).statusCode,
    ).toBe(404);
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/documents/${kept.id}`, headers: lawyer.headers })).statusCode,
    ).toBe(200);
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/documents/${held.id}`, headers: lawyer.headers })).statusCode,
    ).toBe(200);
    await t.inject({
      method: 'PUT',
      url: '/api/v1/document-policy',
      headers: admin.headers,
      payload: { retentionDays: null, retentionTag: null },
    });
  });
});
