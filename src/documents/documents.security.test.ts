import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, pdf, vaultCounts } from '../../test/helpers/documents.ts';
import { probeAsTenant } from '../../test/rls/fixtures.ts';
import {
  bearer,
  createMember,
  login,
  signedInMember,
  startTestApp,
  type TestApp,
} from '../../test/helpers/test-app.ts';

type Headers = Record<string, string>;

/** A minimal ZIP whose one entry declares `uncompressed` bytes: what a zip bomb tells its victim to allocate. */
function zipDeclaring(uncompressed: number): Buffer {
  const name = Buffer.from('bomb.txt');
  const data = Buffer.from([0x03, 0x00]);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(uncompressed, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(uncompressed, 24);
  central.writeUInt16LE(name.length, 28);
  const cdOffset = local.length + name.length + data.length;
  const cdSize = central.length + name.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

describe('document vault attacks', () => {
  let t: TestApp;
  let admin: { orgId: string; userId: string; headers: Headers };
  let lawyer: { userId: string; headers: Headers };
  let matterId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { UPLOAD_IDLE_TIMEOUT_MS: '400' } });
    admin = await signedInMember(t, { role: 'org_admin' });
    const m = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    lawyer = { userId: m.userId, headers: bearer((await login(t, m.email)).accessToken) };
    matterId = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/matters',
        headers: lawyer.headers,
        payload: { title: 'Attacked matter' },
      })
    ).json().id;
  });
  afterAll(async () => t?.close());

  const post = (
    headers: Headers,
    body: { payload: Buffer; headers: Record<string, string> },
    url = `/api/v1/matters/${matterId}/documents`,
  ) => t.inject({ method: 'POST', url, headers: { ...headers, ...body.headers }, payload: body.payload });

  it('should refuse every malformed upload with a clear 4xx and leave neither row nor blob', async () => {
    const before = await vaultCounts(t);
    const exe = Buffer.concat([
      Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 'latin1'),
      Buffer.alloc(5000, 1),
    ]);
    const cases: Array<{
      what: string;
      body: { payload: Buffer; headers: Record<string, string> };
      status: number;
      code: string;
    }> = [
      {
        what: 'zero-byte file',
        body: multipart([{ filename: 'empty.pdf', content: Buffer.alloc(0) }]),
        status: 400,
        code: 'FILE_EMPTY',
      },
      {
        what: '1,000-character name',
        body: multipart([{ filename: `${'a'.repeat(996)}.pdf`, content: pdf() }]),
        status: 400,
        code: 'FILE_NAME_INVALID',
      },
      {
        what: 'two files',
        body: multipart([
          { filename: 'one.pdf', content: pdf('one') },
          { filename: 'two.pdf', content: pdf('two') },
        ]),
        status: 400,
        code: 'TOO_MANY_FILES',
      },
      {
        what: 'no file, only a field',
        body: multipart([{ field: 'note', content: 'hello' }]),
        status: 400,
        code: 'FILE_MISSING',
      },
      { what: 'no part at all', body: multipart([]), status: 400, code: 'FILE_MISSING' },
      {
        what: 'file under another field name',
        body: multipart([{ field: 'upload', filename: 'a.pdf', content: pdf() }]),
        status: 400,
        code: 'FILE_MISSING',
      },
      {
        what: 'an .exe renamed .pdf (magic bytes decide)',
        body: multipart([{ filename: 'invoice.pdf', content: exe, contentType: 'application/pdf' }]),
        status: 415,
        code: 'UNSUPPORTED_FILE_TYPE',
      },
      {
        what: 'a PDF named .docx',
        body: multipart([{ filename: 'letter.docx', content: pdf() }]),
        status: 415,
        code: 'FILE_TYPE_MISMATCH',
      },
      {
        what: 'a .txt that is not UTF-8',
        body: multipart([{ filename: 'notes.txt', content: Buffer.from([0x68, 0x69, 0xff, 0xfe, 0x00, 0xc3]) }]),
        status: 415,
        code: 'UNSUPPORTED_FILE_TYPE',
      },
      {
        what: 'an unknown binary',
        body: multipart([{ filename: 'blob.bin', content: Buffer.alloc(100, 7) }]),
        status: 415,
        code: 'UNSUPPORTED_FILE_TYPE',
      },
      {
        what: 'a ZIP while ZIP is off',
        body: multipart([{ filename: 'a.zip', content: zipDeclaring(10) }]),
        status: 415,
        code: 'UNSUPPORTED_FILE_TYPE',
      },
      {
        what: 'over the 15 MB default limit',
        body: multipart([{ filename: 'huge.pdf', content: pdf('huge', 15 * 1024 * 1024 + 10) }]),
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
    ];
    for (const c of cases) {
      const res = await post(lawyer.headers, c.body);
      expect(res.statusCode, `${c.what}: ${res.body}`).toBe(c.status);
      expect(res.json().code, c.what).toBe(c.code);
      expect(await vaultCounts(t), c.what).toEqual(before);
    }
    const json = await t.inject({
      method: 'POST',
      url: `/api/v1/matters/${matterId}/documents`,
      headers: lawyer.headers,
      payload: { file: 'x' },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().code).toBe('MULTIPART_REQUIRED');
    expect(await vaultCounts(t)).toEqual(before);
  });

  it('should refuse a ZIP bomb when ZIP is enabled, by its declared sizes, without extracting it', async () => {
    await t.inject({
      method: 'PUT',
      url: '/api/v1/document-policy',
      headers: admin.headers,
      payload: { allowZip: true },
    });
    const before = await vaultCounts(t);
    const bomb = await post(
      lawyer.headers,
      multipart([{ filename: 'evidence.zip', content: zipDeclaring(4_000_000_000) }]),
    );
    expect(bomb.statusCode, bomb.body).toBe(422);
    expect(bomb.json().code).toBe('ZIP_REJECTED');
    expect(await vaultCounts(t)).toEqual(before);
    const fine = await post(lawyer.headers, multipart([{ filename: 'evidence.zip', content: zipDeclaring(2) }]));
    expect(fine.statusCode, fine.body).toBe(201);
    expect(fine.json().contentType).toBe('application/zip');
    await t.inject({
      method: 'PUT',
      url: '/api/v1/document-policy',
      headers: admin.headers,
      payload: { allowZip: false },
    });
  });

  it('should enforce the storage quota (413 QUOTA_EXCEEDED) and store nothing', async () => {
    const org = await signedInMember(t, { role: 'org_admin' });
    const m = (
      await t.inject({ method: 'POST', url: '/api/v1/matters', headers: org.headers, payload: { title: 'Quota' } })
    ).json();
    await t.inject({
      method: 'PUT',
      url: '/api/v1/document-policy',
      headers: org.headers,
      payload: { quotaBytes: 5000 },
    });
    expect(
      (
        await post(
          org.headers,
          multipart([{ filename: 'a.pdf', content: pdf('a', 3000) }]),
          `/api/v1/matters/${m.id}/documents`,
        )
      ).statusCode,
    ).toBe(201);
    const before = await vaultCounts(t);
    const over = await post(
      org.headers,
      multipart([{ filename: 'b.pdf', content: pdf('b', 3000) }]),
      `/api/v1/matters/${m.id}/documents`,
    );
    expect(over.statusCode).toBe(413);
    expect(over.json().code).toBe('QUOTA_EXCEEDED');
    expect(await vaultCounts(t)).toEqual(before);
  });

  it('should time out a client that stalls mid-upload, store nothing and close its connection', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as net.AddressInfo).port;
    const before = await vaultCounts(t);
    const body = multipart([{ filename: 'stalled.pdf', content: pdf('stalled', 200_000) }]);
    const head = [
      `POST /api/v1/matters/${matterId}/documents HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      `Authorization: ${lawyer.headers.authorization}`,
      `Content-Type: ${body.headers['content-type']}`,
      `Content-Length: ${body.payload.length}`,
      '',
      '',
    ].join('\r\n');
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (d) => (response += d.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(head);
    socket.write(body.payload.subarray(0, 100_000)); // then nothing more
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 408/);
    expect(response).toContain('UPLOAD_TIMEOUT');
    expect(await vaultCounts(t)).toEqual(before);
  });

  it('should answer 404 NOT_FOUND to another organization for every document route, never 403 or data', async () => {
    const doc = (
      await post(lawyer.headers, multipart([{ filename: 'privileged.pdf', content: pdf('privileged') }]))
    ).json();
    const link = (
      await t.inject({
        method: 'POST',
        url: `/api/v1/documents/${doc.id}/share-links`,
        headers: lawyer.headers,
        payload: {},
      })
    ).json();
    const outsider = await signedInMember(t, { role: 'org_admin' });
    const upload = multipart([{ filename: 'x.pdf', content: pdf() }]);
    const routes = [
      { method: 'GET' as const, url: `/api/v1/matters/${matterId}/documents` },
      { method: 'POST' as const, url: `/api/v1/matters/${matterId}/documents`, multipart: true },
      { method: 'GET' as const, url: `/api/v1/documents/${doc.id}` },
      { method: 'PATCH' as const, url: `/api/v1/documents/${doc.id}`, payload: { tags: ['stolen'] } },
      { method: 'PUT' as const, url: `/api/v1/documents/${doc.id}/legal-hold`, payload: { hold: true } },
      { method: 'GET' as const, url: `/api/v1/documents/${doc.id}/content` },
      { method: 'GET' as const, url: `/api/v1/documents/${doc.id}/versions` },
      { method: 'POST' as const, url: `/api/v1/documents/${doc.id}/versions`, multipart: true },
      { method: 'GET' as const, url: `/api/v1/documents/${doc.id}/versions/1/content` },
      { method: 'DELETE' as const, url: `/api/v1/documents/${doc.id}` },
      { method: 'POST' as const, url: `/api/v1/documents/${doc.id}/share-links`, payload: {} },
      { method: 'GET' as const, url: `/api/v1/documents/${doc.id}/share-links` },
      { method: 'DELETE' as const, url: `/api/v1/share-links/${link.id}` },
      { method: 'GET' as const, url: `/api/v1/matters/${matterId}/wall` },
      { method: 'PUT' as const, url: `/api/v1/matters/${matterId}/wall`, payload: { memberIds: [outsider.userId] } },
      { method: 'DELETE' as const, url: `/api/v1/matters/${matterId}/wall` },
      { method: 'PUT' as const, url: `/api/v1/matters/${matterId}/legal-hold`, payload: { hold: true } },
      { method: 'POST' as const, url: `/api/v1/matters/${matterId}/archive` },
    ];
    for (const r of routes) {
      const res = r.multipart
        ? await t.inject({
            method: r.method,
            url: r.url,
            headers: { ...outsider.headers, ...upload.headers },
            payload: upload.payload,
          })
        : await t.inject({
            method: r.method,
            url: r.url,
            headers: outsider.headers,
            ...(r.payload ? { payload: r.payload } : {}),
          });
      expect(res.statusCode, `${r.method} ${r.url}: ${res.body}`).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
      expect(res.body).not.toContain('privileged');
    }
    const search = await t.inject({ method: 'GET', url: '/api/v1/documents?q=privileged', headers: outsider.headers });
    expect(search.json().documents).toEqual([]);
    // And the document is untouched.
    const still = await t.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}`, headers: lawyer.headers });
    expect(still.json()).toMatchObject({ tags: [], legalHold: false });
  });

  it('should hide a walled matter and its documents from everyone not admitted, in the database itself (as chambers_app)', async () => {
    const walled = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/matters',
        headers: lawyer.headers,
        payload: { title: 'Conflicted client', clientName: 'Acme' },
      })
    ).json();
    const doc = (
      await post(
        lawyer.headers,
        multipart([{ filename: 'acme.pdf', content: pdf('acme') }]),
        `/api/v1/matters/${walled.id}/documents`,
      )
    ).json();
    const screened = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const screenedHeaders = bearer((await login(t, screened.email)).accessToken);
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}`, headers: screenedHeaders })).statusCode,
    ).toBe(200);

    const wall = await t.inject({
      method: 'PUT',
      url: `/api/v1/matters/${walled.id}/wall`,
      headers: admin.headers,
      payload: { memberIds: [lawyer.userId] },
    });
    expect(wall.statusCode, wall.body).toBe(200);
    expect(wall.json()).toEqual({ matterId: walled.id, walled: true, memberIds: [lawyer.userId] });
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/matters/${walled.id}/wall`, headers: admin.headers })).json()
        .memberIds,
    ).toEqual([lawyer.userId]);

    for (const url of [
      `/api/v1/matters/${walled.id}`,
      `/api/v1/matters/${walled.id}/documents`,
      `/api/v1/documents/${doc.id}`,
      `/api/v1/documents/${doc.id}/content`,
    ]) {
      const res = await t.inject({ method: 'GET', url, headers: screenedHeaders });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
      expect((await t.inject({ method: 'GET', url, headers: lawyer.headers })).statusCode, url).toBe(200);
    }
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/matters?q=Acme', headers: screenedHeaders })).json().matters,
    ).toEqual([]);

    // Raw SQL as the runtime role: the policy, not the service, hides the rows.
    const asScreened = { orgId: admin.orgId, userId: screened.userId };
    const counts = await probeAsTenant(t.ctx.db, asScreened, async (tx) => {
      const one = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(tx)).rows[0]?.n;
      return {
        matters: await one(sql<{ n: number }>`SELECT count(*)::int AS n FROM chambers.matters WHERE id = ${walled.id}`),
        documents: await one(
          sql<{ n: number }>`SELECT count(*)::int AS n FROM chambers.documents WHERE id = ${doc.id}`,
        ),
        versions: await one(
          sql<{ n: number }>`SELECT count(*)::int AS n FROM chambers.document_versions WHERE document_id = ${doc.id}`,
        ),
        members: await one(
          sql<{
            n: number;
          }>`SELECT count(*)::int AS n FROM chambers.matter_wall_members WHERE matter_id = ${walled.id}`,
        ),
      };
    });
    expect(counts).toEqual({ ok: true, value: { matters: 0, documents: 0, versions: 0, members: 0 } });
    const asAdmitted = await probeAsTenant(
      t.ctx.db,
      { orgId: admin.orgId, userId: lawyer.userId },
      async (tx) =>
        (
          await sql<{
            n: number;
          }>`SELECT count(*)::int AS n FROM chambers.document_versions WHERE document_id = ${doc.id}`.execute(tx)
        ).rows[0]?.n,
    );
    expect(asAdmitted).toEqual({ ok: true, value: 1 });
    // A screened member cannot admit themselves, nor can a lawyer lift the wall.
    const selfAdmit = await probeAsTenant(t.ctx.db, asScreened, (tx) =>
      sql`INSERT INTO chambers.matter_wall_members (matter_id, user_id, org_id) VALUES (${walled.id}, ${screened.userId}, ${admin.orgId})`.execute(
        tx,
      ),
    );
    expect(selfAdmit).toMatchObject({ ok: false, code: '42501' });
    const lift = await probeAsTenant(t.ctx.db, { orgId: admin.orgId, userId: lawyer.userId }, async (tx) =>
      Number((await sql`DELETE FROM chambers.matter_walls WHERE matter_id = ${walled.id}`.execute(tx)).numAffectedRows),
    );
    expect(lift).toEqual({ ok: true, value: 0 });

    expect(
      (await t.inject({ method: 'DELETE', url: `/api/v1/matters/${walled.id}/wall`, headers: admin.headers }))
        .statusCode,
    ).toBe(204);
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}`, headers: screenedHeaders })).statusCode,
    ).toBe(200);
  });

  it('should never let the runtime role read a share link token hash or passcode hash', async () => {
    const { rows } = await sql<{ token: boolean; passcode: boolean }>`
      SELECT has_column_privilege('chambers_app', 'chambers.share_links', 'token_hash', 'SELECT') AS token,
             has_column_privilege('chambers_app', 'chambers.share_links', 'passcode_hash', 'SELECT') AS passcode`.execute(
      t.ctx.db.owner,
    );
    expect(rows[0]).toEqual({ token: false, passcode: false });
  });
});
