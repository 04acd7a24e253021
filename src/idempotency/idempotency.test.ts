import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMember,
  login,
  bearer,
  signedInMember,
  startTestApp,
  type TestApp,
} from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';
import { unsafeWithOwner } from '../platform/db/tenant.ts';
import { IDEMPOTENCY, canonicalJson, requestFingerprint } from './idempotency.ts';
import { claimKey, unsafePurgeExpiredIdempotencyKeys } from './idempotency.repository.ts';

/**
 * Idempotency-Key on POST /api/v1/matters: a client that retries after a lost
 * response must get the first answer back, never a second matter; a key reused
 * for something else, or while the first request runs, is refused.
 */
describe('Idempotency-Key', () => {
  let t: TestApp;
  const clock = manualClock();
  beforeAll(async () => {
    t = await startTestApp({ clock });
  });
  afterAll(async () => t?.close());

  const create = (headers: Record<string, string>, key: string | undefined, payload: unknown) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/matters',
      headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: payload as object,
    });
  const matterCount = async (orgId: string) =>
    unsafeWithOwner(
      t.ctx.db,
      async (tx) =>
        (await sql<{ n: number }>`SELECT count(*)::int AS n FROM chambers.matters WHERE org_id = ${orgId}`.execute(tx))
          .rows[0]?.n,
    );

  it('should replay the first response for the same key and body, creating one matter', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    const first = await create(lawyer.headers, 'retry-1', { title: 'Smith v Jones', reference: 'M-1' });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The same request, fields in another order: still the same request.
    const again = await create(lawyer.headers, 'retry-1', { reference: 'M-1', title: 'Smith v Jones' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toMatch(/^application\/json/);
    expect(again.json()).toEqual(first.json());
    expect(await matterCount(lawyer.orgId)).toBe(1);
  });

  it('should refuse the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED, nothing created', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    expect((await create(lawyer.headers, 'k-2', { title: 'First' })).statusCode).toBe(201);
    const reused = await create(lawyer.headers, 'k-2', { title: 'Second' });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await matterCount(lawyer.orgId)).toBe(1);
  });

  it('should answer 409 IDEMPOTENCY_KEY_IN_USE while the first request with the key is in flight', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    const body = { title: 'Running' };
    // The first request has claimed the key and not finished yet.
    const hash = requestFingerprint('POST', '/api/v1/matters', {}, canonicalJson(body));
    const claimed = await claimKey(
      t.ctx.db,
      { orgId: lawyer.orgId, userId: lawyer.userId },
      {
        key: 'busy',
        requestHash: hash,
        now: clock.now(),
        ttlMs: IDEMPOTENCY.ttlMs,
        staleAfterMs: IDEMPOTENCY.staleAfterMs,
      },
    );
    expect(claimed.kind).toBe('claimed');
    const dup = await create(lawyer.headers, 'busy', body);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(dup.headers['retry-after']).toBe('1');
    expect(await matterCount(lawyer.orgId)).toBe(0);
  });

  it('should create exactly one matter when duplicates race', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => create(lawyer.headers, 'race', { title: 'Raced' })),
    );
    const created = results.filter((r) => r.statusCode === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of results) expect([201, 409]).toContain(r.statusCode);
    expect(new Set(created.map((r) => r.json().id)).size).toBe(1);
    expect(await matterCount(lawyer.orgId)).toBe(1);
  });

  it('should validate the key: 1 to 255 printable ASCII characters', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    for (const key of ['', 'x'.repeat(256), 'clé-unicode', 'tab\there']) {
      const res = await create(lawyer.headers, key, { title: 'Bad key' });
      expect(res.statusCode, JSON.stringify(key)).toBe(400);
      expect(res.json().code).toBe('IDEMPOTENCY_KEY_INVALID');
    }
    expect((await create(lawyer.headers, 'x'.repeat(255), { title: 'Long key' })).statusCode).toBe(201);
    expect((await create(lawyer.headers, 'a b ~!@#$%^&*()', { title: 'Printable key' })).statusCode).toBe(201);
    expect(await matterCount(lawyer.orgId)).toBe(2);
  });

  it('should still work without the header (keys are optional)', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    expect((await create(lawyer.headers, undefined, { title: 'A' })).statusCode).toBe(201);
    expect((await create(lawyer.headers, undefined, { title: 'A' })).statusCode).toBe(201);
    expect(await matterCount(lawyer.orgId)).toBe(2);
  });

  it('should keep keys per account: the same key for two users (same or other organization) is independent', async () => {
    const a = await signedInMember(t, { role: 'lawyer' });
    const colleague = await createMember(t, { role: 'lawyer', orgId: a.orgId });
    const b = { headers: bearer((await login(t, colleague.email)).accessToken) };
    const other = await signedInMember(t, { role: 'lawyer' });
    const body = { title: 'Shared key' };
    const ra = await create(a.headers, 'same-key', body);
    const rb = await create(b.headers, 'same-key', body);
    const rc = await create(other.headers, 'same-key', body);
    for (const r of [ra, rb, rc]) {
      expect(r.statusCode).toBe(201);
      expect(r.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(new Set([ra.json().id, rb.json().id, rc.json().id]).size).toBe(3);
    expect(rb.json().createdBy).toBe(colleague.userId);
    expect(await matterCount(a.orgId)).toBe(2);
    expect(await matterCount(other.orgId)).toBe(1);
  });

  it('should forget a key after 24 hours, and the purge job should delete it', async () => {
    const member = await createMember(t, { role: 'lawyer' });
    const headers = () => login(t, member.email).then((tokens) => bearer(tokens.accessToken));
    const first = await create(await headers(), 'daily', { title: 'Day one' });
    expect(first.statusCode).toBe(201);
    clock.advance(IDEMPOTENCY.ttlMs + 1000);
    const later = await create(await headers(), 'daily', { title: 'Day two' });
    expect(later.statusCode).toBe(201);
    expect(later.json().id).not.toBe(first.json().id);

    const keys = async () =>
      unsafeWithOwner(
        t.ctx.db,
        async (tx) =>
          (
            await sql<{
              n: number;
            }>`SELECT count(*)::int AS n FROM chambers.idempotency_keys WHERE user_id = ${member.userId}`.execute(tx)
          ).rows[0]?.n,
      );
    expect(await keys()).toBe(1);
    clock.advance(IDEMPOTENCY.ttlMs + 1000);
    expect(await unsafePurgeExpiredIdempotencyKeys(t.ctx.db, clock.now())).toBeGreaterThanOrEqual(1);
    expect(await keys()).toBe(0);
  });
});
