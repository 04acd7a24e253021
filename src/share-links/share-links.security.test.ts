import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, pdf } from '../../test/helpers/documents.ts';
import { manualClock } from '../platform/clock.ts';
import { bearer, login, signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

/**
 * Share links are the one door to a document without an account: the token is the whole
 * authority. Attacks: guessing, using an expired or revoked link, brute-forcing the
 * passcode, and reaching anything beyond the one shared document.
 */
describe('share links', () => {
  const clock = manualClock();
  let t: TestApp;
  let lawyer: Awaited<ReturnType<typeof signedInMember>>;
  let matterId: string;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { PUBLIC_URL: 'https://chambers.example' } });
    lawyer = await signedInMember(t, { role: 'lawyer' });
    matterId = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/matters',
        headers: lawyer.headers,
        payload: { title: 'Shared matter' },
      })
    ).json().id;
  });
  afterAll(async () => t?.close());

  const uploadDoc = async (marker: string) => {
    const body = multipart([{ filename: `${marker}.pdf`, content: pdf(marker) }]);
    return (
      await t.inject({
        method: 'POST',
        url: `/api/v1/matters/${matterId}/documents`,
        headers: { ...lawyer.headers, ...body.headers },
        payload: body.payload,
      })
    ).json() as { id: string };
  };
  const share = async (docId: string, payload: Record<string, unknown> = {}) => {
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/documents/${docId}/share-links`,
      headers: lawyer.headers,
      payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    const link = res.json() as { id: string; url: string; expiresAt: string };
    return { ...link, path: new URL(link.url).pathname };
  };

  it('should serve only the shared document, with download headers, and audit each access with the ip', async () => {
    const doc = await uploadDoc('shared-one');
    await uploadDoc('not-shared');
    const link = await share(doc.id, { expiresInDays: 2 });
    expect(link.url).toMatch(/^https:\/\/chambers\.example\/s\/[A-Za-z0-9_-]{43}$/);
    expect(new Date(link.expiresAt).getTime() - clock.now().getTime()).toBe(2 * 86_400_000);
    const res = await t.inject({ method: 'GET', url: link.path, remoteAddress: '198.51.100.23' });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(pdf('shared-one'))).toBe(true);
    expect(res.headers['content-security-policy']).toBe('sandbox');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // The recipient is told who shared it and until when (ASCII headers, names percent-encoded).
    expect(decodeURIComponent(String(res.headers['x-shared-by']))).toBeTruthy();
    expect(decodeURIComponent(String(res.headers['x-shared-by-organization']))).toBeTruthy();
    expect(res.headers['x-share-expires-at']).toBe(link.expiresAt);
    const { rows } = await sql<{
      ip: string;
      outcome: string;
    }>`SELECT ip, outcome FROM audit.events WHERE action = 'share_link.access' AND target = ${link.id}`.execute(
      t.ctx.db.owner,
    );
    expect(rows).toEqual([{ ip: '198.51.100.23', outcome: 'success' }]);
    // The token is stored only as its hash.
    const token = link.path.slice(3);
    const stored = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM chambers.share_links WHERE token_hash = ${token}`.execute(t.ctx.db.owner);
    expect(stored.rows[0]?.n).toBe(0);
    const listed = (
      await t.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}/share-links`, headers: lawyer.headers })
    ).json().shareLinks;
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(token);
  });

  it('should answer 404 for a guessed, expired or revoked token and for a deleted document', async () => {
    const doc = await uploadDoc('expiring');
    const link = await share(doc.id, { expiresInDays: 1 });
    expect((await t.inject({ method: 'GET', url: `/s/${'A'.repeat(43)}` })).statusCode).toBe(404);
    expect((await t.inject({ method: 'GET', url: '/s/short' })).statusCode).toBe(404);
    expect((await t.inject({ method: 'GET', url: link.path })).statusCode).toBe(200);
    clock.advance(86_400_000 + 1000);
    expect((await t.inject({ method: 'GET', url: link.path })).statusCode).toBe(404);
    // A day later the lawyer's session has idled out: sign in again.
    lawyer.headers = bearer((await login(t, lawyer.email)).accessToken);

    const revoked = await share(doc.id);
    expect(
      (await t.inject({ method: 'DELETE', url: `/api/v1/share-links/${revoked.id}`, headers: lawyer.headers }))
        .statusCode,
    ).toBe(204);
    expect((await t.inject({ method: 'GET', url: revoked.path })).statusCode).toBe(404);

    const orphaned = await share(doc.id);
    expect(
      (await t.inject({ method: 'DELETE', url: `/api/v1/documents/${doc.id}`, headers: lawyer.headers })).statusCode,
    ).toBe(204);
    expect((await t.inject({ method: 'GET', url: orphaned.path })).statusCode).toBe(404);
  });

  it('should refuse more than 7 days and unknown fields', async () => {
    const doc = await uploadDoc('limits');
    for (const payload of [{ expiresInDays: 8 }, { expiresInDays: 0 }, { expiresInDays: 2, public: true }]) {
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/documents/${doc.id}/share-links`,
        headers: lawyer.headers,
        payload,
      });
      expect(res.statusCode).toBe(400);
    }
  });

  it('should demand the passcode and lock the link after 5 wrong ones, even against the right one', async () => {
    const doc = await uploadDoc('passcoded');
    const link = await share(doc.id, { passcode: 'correct horse' });
    const get = await t.inject({ method: 'GET', url: link.path });
    expect(get.statusCode).toBe(401);
    expect(get.json().code).toBe('SHARE_PASSCODE_REQUIRED');
    const ok = await t.inject({ method: 'POST', url: link.path, payload: { passcode: 'correct horse' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.rawPayload.equals(pdf('passcoded'))).toBe(true);
    for (let i = 1; i <= 4; i++) {
      const wrong = await t.inject({ method: 'POST', url: link.path, payload: { passcode: `guess ${i}` } });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toMatchObject({ code: 'SHARE_PASSCODE_INVALID', attemptsLeft: 5 - i });
    }
    const fifth = await t.inject({ method: 'POST', url: link.path, payload: { passcode: 'guess 5' } });
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().code).toBe('SHARE_LINK_LOCKED');
    const right = await t.inject({ method: 'POST', url: link.path, payload: { passcode: 'correct horse' } });
    expect(right.statusCode).toBe(423);
  });
});
