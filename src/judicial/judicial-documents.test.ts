import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, pdf, rawBlobFiles } from '../../test/helpers/documents.ts';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { seedCase, seedCourt, type Court, type CourtUser } from '../../test/rls/judicial-court.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { unsafeJudicialBlobInUse } from './judicial-blobs.ts';
import { unwrapDataKey } from './judicial-keys.ts';
import { judicialStoreOf } from './judicial-store.ts';

/**
 * Case documents: the vault's rules (sniffed type, size limit, encrypted at rest, audited),
 * under the judicial key, visible exactly where the case is (its judge and the clerks it is
 * shared with), on whichever database this run targets.
 */
describe("judges' chambers: case documents", () => {
  let t: TestApp;
  let court: Court;
  let a: Awaited<ReturnType<typeof seedCase>>;
  /** The document the first test stores (the case also holds the one seedCase uploaded). */
  let docId: string;
  beforeAll(async () => {
    t = await startTestApp();
    court = await seedCourt(t);
    a = await seedCase(t, court.judgeA, 'A');
  });
  afterAll(async () => t?.close());

  const upload = (who: CourtUser, content: Buffer | string, filename = 'charge-sheet.pdf', caseId = a.caseId) => {
    const body = multipart([{ filename, content }]);
    return t.inject({
      method: 'POST',
      url: `/api/v1/judicial/cases/${caseId}/documents`,
      headers: { ...who.headers, ...body.headers },
      payload: body.payload,
    });
  };
  const get = (who: CourtUser, url: string) => t.inject({ method: 'GET', url, headers: who.headers });
  const documentRows = async () =>
    (
      await unsafeWithOwner(judicialStoreOf(t.ctx).db, (tx) =>
        sql<{ id: string; blob_key: string }>`SELECT id, blob_key FROM judicial.documents`.execute(tx),
      )
    ).rows;
  const blobCount = async () => {
    let n = 0;
    for await (const _ of t.ctx.blobStore.list('')) n++;
    return n;
  };

  it('should store a case document, list it, describe it and return it byte for byte with safe headers', async () => {
    const content = pdf('JUDICIAL-PLAINTEXT-MARKER');
    const res = await upload(court.judgeA, content);
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json();
    docId = doc.id;
    expect(doc).toEqual({
      id: expect.any(String),
      caseId: a.caseId,
      name: 'charge-sheet.pdf',
      size: content.length,
      sha256: crypto.createHash('sha256').update(content).digest('hex'),
      contentType: 'application/pdf',
      createdBy: court.judgeA.userId,
      createdAt: expect.any(String),
    });
    const list = await get(court.judgeA, `/api/v1/judicial/cases/${a.caseId}/documents`);
    expect(list.json().documents.map((d: { id: string }) => d.id)).toEqual([a.documentId, doc.id]);
    expect(list.json().documents[1]).toEqual(doc);
    expect((await get(court.judgeA, `/api/v1/judicial/documents/${doc.id}`)).json()).toEqual(doc);
    const bytes = await get(court.judgeA, `/api/v1/judicial/documents/${doc.id}/content`);
    expect(bytes.statusCode).toBe(200);
    expect(bytes.rawPayload.equals(content)).toBe(true);
    expect(bytes.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-disposition': expect.stringContaining('attachment'),
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
      'cache-control': 'private, no-store',
    });
  });

  it('should keep only ciphertext at rest, under a data key wrapped by the judicial key', async () => {
    for (const blob of rawBlobFiles(t.dataDir)) expect(blob.includes('JUDICIAL-PLAINTEXT-MARKER')).toBe(false);
    const row = (await documentRows()).find((r) => r.id === docId);
    expect(row?.blob_key).toMatch(/^judicial\//);
    const { rows } = await unsafeWithOwner(judicialStoreOf(t.ctx).db, (tx) =>
      sql<{ wrapped_key: Uint8Array }>`SELECT wrapped_key FROM judicial.documents WHERE id = ${row!.id}`.execute(tx),
    );
    const wrapped = Buffer.from(rows[0]!.wrapped_key);
    expect(unwrapDataKey(judicialStoreOf(t.ctx).kek.key, 'document', row!.id, wrapped)).toHaveLength(32);
    // Bound to its record: the same wrapped key does not open as another document's, nor under another key.
    expect(() => unwrapDataKey(judicialStoreOf(t.ctx).kek.key, 'document', crypto.randomUUID(), wrapped)).toThrow();
    expect(() => unwrapDataKey(crypto.randomBytes(32), 'document', row!.id, wrapped)).toThrow();
  });

  it('should show the document to a clerk the case is shared with, and to nobody else', async () => {
    const id = docId;
    expect((await get(court.clerk, `/api/v1/judicial/documents/${id}/content`)).statusCode).toBe(404);
    await t.inject({
      method: 'PUT',
      url: `/api/v1/judicial/cases/${a.caseId}/clerks`,
      headers: court.judgeA.headers,
      payload: { userIds: [court.clerk.userId] },
    });
    expect((await get(court.clerk, `/api/v1/judicial/documents/${id}/content`)).statusCode).toBe(200);
    expect((await get(court.clerk, `/api/v1/judicial/cases/${a.caseId}/documents`)).json().documents).toHaveLength(2);
    for (const who of [court.judgeB, court.otherJudge, court.admin, court.reviewer]) {
      const res = await get(who, `/api/v1/judicial/documents/${id}/content`);
      expect([403, 404]).toContain(res.statusCode);
      expect(res.body).not.toContain('JUDICIAL-PLAINTEXT-MARKER');
    }
  });

  it('should refuse what the vault refuses, leaving neither row nor blob', async () => {
    const before = { rows: (await documentRows()).length, blobs: await blobCount() };
    const cases: Array<[string, Buffer | string, string, number, string]> = [
      ['an executable named .pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]), 'x.pdf', 415, ''],
      ['a PDF named .docx', pdf('mismatch'), 'ruling.docx', 415, 'FILE_TYPE_MISMATCH'],
      ['an empty file', '', 'empty.pdf', 400, 'FILE_EMPTY'],
      ['over the 15 MB default limit', pdf('huge', 15 * 1024 * 1024 + 10), 'huge.pdf', 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [what, content, name, status, code] of cases) {
      const res = await upload(court.judgeA, content, name);
      expect([what, res.statusCode], res.body).toEqual([what, status]);
      if (code) expect(res.json().code, what).toBe(code);
    }
    const json = await t.inject({
      method: 'POST',
      url: `/api/v1/judicial/cases/${a.caseId}/documents`,
      headers: court.judgeA.headers,
      payload: { file: 'not multipart' },
    });
    expect([json.statusCode, json.json().code]).toEqual([415, 'MULTIPART_REQUIRED']);
    expect({ rows: (await documentRows()).length, blobs: await blobCount() }).toEqual(before);
  });

  it('should let the uploader or the judge remove a document, not a clerk who only sees it', async () => {
    const id = (await upload(court.judgeA, pdf('to-remove'), 'draft-exhibit.pdf')).json().id as string;
    const byClerk = await t.inject({
      method: 'DELETE',
      url: `/api/v1/judicial/documents/${id}`,
      headers: court.clerk.headers,
    });
    expect([byClerk.statusCode, byClerk.json().code]).toEqual([403, 'FORBIDDEN']);
    const byB = await t.inject({
      method: 'DELETE',
      url: `/api/v1/judicial/documents/${id}`,
      headers: court.judgeB.headers,
    });
    expect([byB.statusCode, byB.json().code]).toEqual([404, 'NOT_FOUND']);

    const clerkDoc = (await upload(court.clerk, 'Clerk memo', 'memo.txt')).json();
    expect(clerkDoc.contentType).toBe('text/plain; charset=utf-8');
    const blobsBefore = await blobCount();
    for (const [who, doc] of [
      [court.judgeA, id],
      [court.judgeA, clerkDoc.id as string],
    ] as const) {
      const res = await t.inject({ method: 'DELETE', url: `/api/v1/judicial/documents/${doc}`, headers: who.headers });
      expect(res.statusCode, res.body).toBe(204);
      expect((await get(who, `/api/v1/judicial/documents/${doc}/content`)).statusCode).toBe(404);
    }
    expect(await blobCount()).toBe(blobsBefore - 2);
  });

  it("should tell the orphan sweep which judicial blobs are a live document's", async () => {
    const [row] = (await documentRows()).filter((r) => r.id === a.documentId);
    expect(await unsafeJudicialBlobInUse(t.ctx, row!.blob_key)).toBe(true);
    expect(await unsafeJudicialBlobInUse(t.ctx, `judicial/${court.orgId}/${crypto.randomUUID()}`)).toBe(false);
    // Not a judicial blob: the firm vault's own check answers for it.
    expect(await unsafeJudicialBlobInUse(t.ctx, `${court.orgId}/${crypto.randomUUID()}`)).toBe(false);
  });

  it('should record uploads, downloads and removals in the audit log, never names or content', async () => {
    await t.ctx.auditSealer.sealNow({ checkpoint: false });
    const { rows } = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{ action: string; actor_id: string; details: unknown }>`
        SELECT action, actor_id, details FROM audit.events
         WHERE action LIKE 'judicial.document_%' AND org_id = ${court.orgId}`.execute(tx),
    );
    const actions = rows.map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['judicial.document_upload', 'judicial.document_download', 'judicial.document_delete']),
    );
    expect(rows.filter((r) => r.action === 'judicial.document_download').map((r) => r.actor_id)).toEqual(
      expect.arrayContaining([court.judgeA.userId, court.clerk.userId]),
    );
    expect(JSON.stringify(rows)).not.toContain('charge-sheet');
    expect(JSON.stringify(rows)).not.toContain('JUDICIAL-PLAINTEXT-MARKER');
  });
});
