import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, pdf } from '../../test/helpers/documents.ts';
import {
  bearer,
  createMember,
  login,
  signedInMember,
  startTestApp,
  type TestApp,
} from '../../test/helpers/test-app.ts';
import { nameForNewVersion } from './file-name.ts';

type Headers = Record<string, string>;
type Doc = { id: string; name: string; version: number; tags: string[]; legalHold: boolean };

// What a lawyer's daily work with documents needs of the server: a name that survives new
// versions, same-name uploads that stay separate documents, tags and legal holds.
describe('documents in the lawyer workspace', () => {
  let t: TestApp;
  let admin: { orgId: string; headers: Headers };
  let lawyer: Headers;
  let matterId: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signedInMember(t, { role: 'org_admin' });
    const m = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    lawyer = bearer((await login(t, m.email)).accessToken);
    matterId = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/matters',
        headers: lawyer,
        payload: { title: 'Workspace matter' },
      })
    ).json().id;
  });
  afterAll(async () => t?.close());

  const upload = (content: Buffer | string, filename: string, url = `/api/v1/matters/${matterId}/documents`) => {
    const body = multipart([{ filename, content }]);
    return t.inject({ method: 'POST', url, headers: { ...lawyer, ...body.headers }, payload: body.payload });
  };
  const patch = (id: string, payload: unknown, headers = lawyer) =>
    t.inject({ method: 'PATCH', url: `/api/v1/documents/${id}`, headers, payload: payload as object });
  const list = async (id = matterId): Promise<Doc[]> =>
    (await t.inject({ method: 'GET', url: `/api/v1/matters/${id}/documents`, headers: lawyer })).json().documents;

  it('should keep the document name across versions, changing only the extension when the format changes', async () => {
    const doc: Doc = (await upload(pdf('v1'), 'Share Purchase Agreement.pdf')).json();
    const v2 = await upload(pdf('v2'), 'SPA-final-FINAL (2).pdf', `/api/v1/documents/${doc.id}/versions`);
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json()).toMatchObject({ id: doc.id, version: 2, name: 'Share Purchase Agreement.pdf' });
    const v3 = await upload('Plain-text draft\n', 'notes.txt', `/api/v1/documents/${doc.id}/versions`);
    expect(v3.statusCode, v3.body).toBe(201);
    expect(v3.json()).toMatchObject({ version: 3, name: 'Share Purchase Agreement.txt' });

    // Every version and every download agrees with the document's name.
    const versions = (
      await t.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}/versions`, headers: lawyer })
    ).json().versions;
    expect(versions.map((v: { name: string }) => v.name)).toEqual([
      'Share Purchase Agreement.txt',
      'Share Purchase Agreement.pdf',
      'Share Purchase Agreement.pdf',
    ]);
    const current = await t.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}/content`, headers: lawyer });
    expect(current.headers['content-disposition']).toContain('Share%20Purchase%20Agreement.txt');
  });

  it('should derive the kept name from the document and the uploaded file', () => {
    expect(nameForNewVersion('Contract.PDF', 'draft.pdf')).toBe('Contract.PDF');
    expect(nameForNewVersion('Contract.docx', 'draft.pdf')).toBe('Contract.pdf');
    expect(nameForNewVersion('Notes', 'draft.md')).toBe('Notes.md');
    expect(nameForNewVersion(null, 'draft.pdf')).toBe('draft.pdf');
    expect(nameForNewVersion(`${'a'.repeat(253)}.md`, 'x.docx')).toBe('x.docx');
  });

  it('should keep a same-name upload to the matter as a separate document, both listed', async () => {
    const first: Doc = (await upload(pdf('first'), 'Witness statement.pdf')).json();
    const second = await upload(pdf('second'), 'Witness statement.pdf');
    expect(second.statusCode).toBe(201);
    expect(second.json().id).not.toBe(first.id);
    const same = (await list()).filter((d) => d.name === 'Witness statement.pdf');
    expect(same.map((d) => d.version)).toEqual([1, 1]);
  });

  it('should add and remove tags, normalised and deduplicated, and find documents by tag', async () => {
    const doc: Doc = (await upload(pdf('tagged'), 'Engagement letter.pdf')).json();
    const tagged = await patch(doc.id, { tags: ['Engagement', 'billing', 'engagement', '  Kündigung '] });
    expect(tagged.statusCode, tagged.body).toBe(200);
    expect(tagged.json().tags).toEqual(['engagement', 'billing', 'kündigung']);
    expect((await list()).find((d) => d.id === doc.id)?.tags).toEqual(['engagement', 'billing', 'kündigung']);
    const byTag = (
      await t.inject({ method: 'GET', url: '/api/v1/documents?tag=K%C3%BCndigung', headers: lawyer })
    ).json().documents;
    expect(byTag.map((d: Doc) => d.id)).toEqual([doc.id]);
    // Removing one: the client sends the list without it.
    expect((await patch(doc.id, { tags: ['engagement'] })).json().tags).toEqual(['engagement']);
    expect((await patch(doc.id, { tags: [] })).json().tags).toEqual([]);
    for (const bad of [
      { tags: ['<script>'] },
      { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      { tags: 'x' },
    ]) {
      const res = await patch(doc.id, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    const audited = await sql<{ details: unknown }>`
      SELECT details FROM audit.events WHERE target = ${doc.id} AND action = 'document.update'`.execute(t.ctx.db.owner);
    expect(audited.rows.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(audited.rows)).not.toContain('kündigung');
  });

  it('should show document and matter legal holds, let only an org_admin set them, and refuse deletion under either', async () => {
    const held = (
      await t.inject({ method: 'POST', url: '/api/v1/matters', headers: lawyer, payload: { title: 'Held matter' } })
    ).json();
    const doc: Doc = (await upload(pdf('held'), 'Board minutes.pdf', `/api/v1/matters/${held.id}/documents`)).json();
    expect(doc.legalHold).toBe(false);
    const hold = (url: string, value: boolean, headers = admin.headers) =>
      t.inject({ method: 'PUT', url, headers, payload: { hold: value } });

    // A lawyer may not place or lift either hold.
    expect((await hold(`/api/v1/documents/${doc.id}/legal-hold`, true, lawyer)).statusCode).toBe(403);
    expect((await hold(`/api/v1/matters/${held.id}/legal-hold`, true, lawyer)).statusCode).toBe(403);

    // The matter's hold shows on the matter and on each of its documents.
    expect((await hold(`/api/v1/matters/${held.id}/legal-hold`, true)).json().legalHold).toBe(true);
    expect((await list(held.id))[0]?.legalHold).toBe(true);
    const refused = await t.inject({ method: 'DELETE', url: `/api/v1/documents/${doc.id}`, headers: lawyer });
    expect(refused.json().code).toBe('LEGAL_HOLD');
    expect((await hold(`/api/v1/matters/${held.id}/legal-hold`, false)).json().legalHold).toBe(false);

    // The document's own hold.
    expect((await hold(`/api/v1/documents/${doc.id}/legal-hold`, true)).json().legalHold).toBe(true);
    expect((await list(held.id))[0]?.legalHold).toBe(true);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/documents/${doc.id}`, headers: lawyer })).statusCode).toBe(
      409,
    );
    expect((await hold(`/api/v1/documents/${doc.id}/legal-hold`, false)).json().legalHold).toBe(false);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/documents/${doc.id}`, headers: lawyer })).statusCode).toBe(
      204,
    );
    const actions = (
      await sql<{ action: string }>`
        SELECT action FROM audit.events WHERE target IN (${doc.id}, ${held.id}) AND action LIKE '%legal_hold%' ORDER BY seq`.execute(
        t.ctx.db.owner,
      )
    ).rows.map((r) => r.action);
    expect(actions).toEqual([
      'matter.legal_hold_set',
      'matter.legal_hold_lift',
      'document.legal_hold_set',
      'document.legal_hold_lift',
    ]);
  });
});
