import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, pdf } from '../../test/helpers/documents.ts';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { wordsOf } from './search.service.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;
type Result = { type: string; id: string; title: string; matterId?: string };

describe('one search over matters, clients and document names', () => {
  let t: TestApp;
  let lawyer: Member;
  beforeAll(async () => {
    t = await startTestApp();
    lawyer = await signedInMember(t, { role: 'lawyer' });
  });
  afterAll(async () => t?.close());

  const search = async (who: Member, q: string): Promise<Result[]> => {
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/search?q=${encodeURIComponent(q)}`,
      headers: who.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { results: Result[] }).results;
  };
  const openMatter = async (who: Member, payload: Record<string, unknown>) =>
    (await t.inject({ method: 'POST', url: '/api/v1/matters', headers: who.headers, payload })).json() as {
      id: string;
    };
  const upload = async (who: Member, matterId: string, filename: string) => {
    const form = multipart([{ filename, content: pdf('SECRET-CONTENT-WORD'), contentType: 'application/pdf' }]);
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/matters/${matterId}/documents`,
      headers: { ...who.headers, ...form.headers },
      payload: form.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };

  it('should find "Müller" for "muller", in matters, clients and document names together', async () => {
    const matter = await openMatter(lawyer, { title: 'Müller v Schröder', reference: 'MS-1' });
    const client = await t.inject({
      method: 'POST',
      url: '/api/v1/clients',
      headers: lawyer.headers,
      payload: { kind: 'person', name: 'Jürgen Müller' },
    });
    const doc = await upload(lawyer, matter.id, 'Gutachten Müller.pdf');
    await openMatter(lawyer, { title: 'Unrelated lease' });

    const found = await search(lawyer, 'muller');
    expect(found.map((r) => [r.type, r.id]).sort()).toEqual(
      [
        ['client', client.json().id],
        ['document', doc.id],
        ['matter', matter.id],
      ].sort(),
    );
    expect(found.find((r) => r.type === 'document')).toMatchObject({
      title: 'Gutachten Müller.pdf',
      matterId: matter.id,
    });
    expect((await search(lawyer, 'MÜLLER')).length).toBe(3);
    expect((await search(lawyer, 'schroder')).map((r) => r.id)).toEqual([matter.id]);
  });

  it('should match word by word, and rank a title that starts with the words first', async () => {
    const a = await openMatter(lawyer, { title: 'Estate of Ångström' });
    const b = await openMatter(lawyer, { title: 'Ångström' });
    const c = await openMatter(lawyer, { title: 'Re: Tangströmer estate' });
    const hits = await search(lawyer, 'angstrom estate');
    expect(hits.map((r) => r.id)).toEqual([a.id, c.id]);
    expect((await search(lawyer, 'angstrom'))[0]?.id).toBe(b.id);
    expect(await search(lawyer, 'angstrom nowhere')).toEqual([]);
  });

  it('should find document tags but never document contents', async () => {
    const matter = await openMatter(lawyer, { title: 'Tagged' });
    const doc = await upload(lawyer, matter.id, 'scan.pdf');
    const tagged = await t.inject({
      method: 'PATCH',
      url: `/api/v1/documents/${doc.id}`,
      headers: lawyer.headers,
      payload: { tags: ['Beweismittel'] },
    });
    expect(tagged.statusCode, tagged.body).toBe(200);
    expect((await search(lawyer, 'beweis')).map((r) => r.id)).toEqual([doc.id]);
    expect(await search(lawyer, 'SECRET-CONTENT-WORD')).toEqual([]);
  });

  it('should not find a walled matter or its documents for a lawyer outside the wall', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const inside = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
    const outside = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
    const matter = await openMatter(admin, { title: 'Project Zéphyr takeover' });
    await upload(admin, matter.id, 'Zephyr term sheet.pdf');
    const wall = await t.inject({
      method: 'PUT',
      url: `/api/v1/matters/${matter.id}/wall`,
      headers: admin.headers,
      payload: { memberIds: [admin.userId, inside.userId] },
    });
    expect(wall.statusCode).toBe(200);
    expect((await search(inside, 'zephyr')).length).toBe(2);
    expect(await search(outside, 'zephyr')).toEqual([]);
  });

  it("should never return another organization's matters, clients or documents", async () => {
    const other = await signedInMember(t, { role: 'lawyer' });
    expect(await search(other, 'muller')).toEqual([]);
  });

  it('should say nothing for a query of only punctuation, and refuse an empty or overlong one', async () => {
    expect(await search(lawyer, '--- !!')).toEqual([]);
    for (const q of ['', 'x'.repeat(201)]) {
      const res = await t.inject({ method: 'GET', url: `/api/v1/search?q=${q}`, headers: lawyer.headers });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it('should split a query into accent-free words', () => {
    expect(wordsOf('Müller-Lüdenscheidt, v.')).toEqual(['Muller', 'Ludenscheidt', 'v']);
  });
});
