import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, login, signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';
import { unsafeWithOwner, withTenant } from '../platform/db/tenant.ts';
import { signatureHeader } from './signature.ts';
import { ROTATION_OVERLAP_MS } from './webhooks.service.ts';
import { unsafePurgeWebhookReplayRecords } from './webhooks.repository.ts';

/**
 * Forged and replayed inbound webhooks. An attacker who knows an integration id
 * sends unsigned, wrongly signed, tampered, stale or captured-and-replayed
 * deliveries; every one must be refused with 401 before the body is interpreted.
 * Also: secrets are sealed at rest, shown once, rotatable with a bounded overlap,
 * and one organization cannot reach another's integrations.
 */
describe('inbound webhooks', () => {
  let t: TestApp;
  const clock = manualClock();
  let admin: Awaited<ReturnType<typeof signedInMember>>;
  let signedInAt = 0;
  beforeAll(async () => {
    t = await startTestApp({ clock });
    admin = await signedInMember(t, { role: 'org_admin' });
    signedInAt = clock.now().getTime();
  });
  // The rotation test moves the clock past the access token's life: sign in again when it did.
  beforeEach(async () => {
    if (clock.now().getTime() - signedInAt < 20 * 60_000) return;
    admin = { ...admin, headers: bearer((await login(t, admin.email)).accessToken) };
    signedInAt = clock.now().getTime();
  });
  afterAll(async () => t?.close());

  const createIntegration = async (who = admin, name = 'Court e-filing') => {
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${who.orgId}/webhooks/integrations`,
      headers: who.headers,
      payload: { name },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; name: string; secret: string };
  };

  type Delivery = {
    secret?: string;
    body?: string;
    timestamp?: number;
    eventId?: string;
    signature?: string | null;
    contentType?: string;
    headers?: Record<string, string>;
  };
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  const deliver = (integrationId: string, d: Delivery = {}) => {
    const body = d.body ?? JSON.stringify({ type: 'filing.accepted', data: { docket: '2024-CV-001' } });
    const timestamp = d.timestamp ?? nowSeconds();
    const signature = d.signature === undefined ? signatureHeader(d.secret ?? 'unknown', timestamp, body) : d.signature;
    return t.inject({
      method: 'POST',
      url: `/api/v1/webhooks/inbound/${integrationId}`,
      headers: {
        'content-type': d.contentType ?? 'application/json',
        'x-chambers-timestamp': String(timestamp),
        'x-chambers-event-id': d.eventId ?? `evt_${crypto.randomUUID()}`,
        ...(signature === null ? {} : { 'x-chambers-signature': signature }),
        ...d.headers,
      },
      payload: body,
    });
  };
  const expect401 = (res: Awaited<ReturnType<typeof deliver>>, code: string) => {
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json().code).toBe(code);
  };

  it('should show the secret once at creation, never in the list', async () => {
    const created = await createIntegration();
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const list = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${admin.orgId}/webhooks/integrations`,
      headers: admin.headers,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().integrations).toContainEqual(
      expect.objectContaining({ id: created.id, name: 'Court e-filing', rotatedAt: null }),
    );
    expect(list.body).not.toContain(created.secret);
    expect(list.body).not.toContain('secret');
  });

  it('should accept a correctly signed delivery with 202 and audit its event id, not its content', async () => {
    const { id, secret } = await createIntegration();
    const res = await deliver(id, {
      secret,
      eventId: 'evt_accepted_1',
      body: JSON.stringify({ privileged: 'client confidences' }),
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ status: 'accepted', eventId: 'evt_accepted_1' });
    const events = await withTenant(t.ctx.db, { orgId: admin.orgId, userId: admin.userId }, (tx) =>
      tx
        .selectFrom('audit.events')
        .select(['action', 'outcome', 'target', 'details'])
        .where('action', '=', 'webhook.received')
        .where('target', '=', `webhook_integration:${id}`)
        .execute(),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'success' });
    expect(JSON.stringify(events[0]!.details)).toContain('evt_accepted_1');
    expect(JSON.stringify(events)).not.toContain('client confidences');
  });

  it('should refuse unsigned or malformed signing headers: 401 WEBHOOK_SIGNATURE_MISSING', async () => {
    const { id, secret } = await createIntegration();
    expect401(await deliver(id, { secret, signature: null }), 'WEBHOOK_SIGNATURE_MISSING');
    expect401(await deliver(id, { secret, signature: 'v1=' }), 'WEBHOOK_SIGNATURE_MISSING');
    expect401(await deliver(id, { secret, signature: `v1=${'zz'.repeat(32)}` }), 'WEBHOOK_SIGNATURE_MISSING');
    expect401(await deliver(id, { secret, signature: `v1=${'ab'.repeat(16)}` }), 'WEBHOOK_SIGNATURE_MISSING');
    expect401(await deliver(id, { secret, signature: `v0=${'ab'.repeat(32)}` }), 'WEBHOOK_SIGNATURE_MISSING');
    expect401(
      await deliver(id, { secret, headers: { 'x-chambers-timestamp': 'yesterday' } }),
      'WEBHOOK_SIGNATURE_MISSING',
    );
    expect401(await deliver(id, { secret, headers: { 'x-chambers-event-id': '' } }), 'WEBHOOK_SIGNATURE_MISSING');
    expect401(await deliver(id, { secret, eventId: 'x'.repeat(201) }), 'WEBHOOK_SIGNATURE_MISSING');
  });

  it('should refuse wrong secrets, tampered bodies and timestamps, and unknown integrations: 401 WEBHOOK_SIGNATURE_INVALID', async () => {
    const { id, secret } = await createIntegration();
    const other = await createIntegration(admin, 'Other');
    const ts = nowSeconds();
    const body = '{"amount":100}';
    expect401(await deliver(id, { secret: 'whsec_guessed' }), 'WEBHOOK_SIGNATURE_INVALID');
    expect401(await deliver(id, { secret: other.secret }), 'WEBHOOK_SIGNATURE_INVALID');
    expect401(
      await deliver(id, { body: '{"amount":999}', timestamp: ts, signature: signatureHeader(secret, ts, body) }),
      'WEBHOOK_SIGNATURE_INVALID',
    );
    expect401(
      await deliver(id, { body, timestamp: ts - 1, signature: signatureHeader(secret, ts, body) }),
      'WEBHOOK_SIGNATURE_INVALID',
    );
    // Signed without the "timestamp." prefix: a signature over the body alone is not enough.
    const bodyOnly = `v1=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
    expect401(await deliver(id, { body, timestamp: ts, signature: bodyOnly }), 'WEBHOOK_SIGNATURE_INVALID');
    expect401(await deliver(crypto.randomUUID(), { secret }), 'WEBHOOK_SIGNATURE_INVALID');
    // One good signature among bad ones is enough (senders may sign with old and new secret during rotation).
    const good = await deliver(id, {
      body,
      timestamp: ts,
      signature: `v1=${'00'.repeat(32)}, ${signatureHeader(secret, ts, body)}`,
    });
    expect(good.statusCode).toBe(202);
  });

  it('should refuse a delivery signed more than 5 minutes from now, either way: 401 WEBHOOK_TIMESTAMP_STALE', async () => {
    const { id, secret } = await createIntegration();
    expect401(await deliver(id, { secret, timestamp: nowSeconds() - 301 }), 'WEBHOOK_TIMESTAMP_STALE');
    expect401(await deliver(id, { secret, timestamp: nowSeconds() + 301 }), 'WEBHOOK_TIMESTAMP_STALE');
    expect((await deliver(id, { secret, timestamp: nowSeconds() - 290 })).statusCode).toBe(202);
  });

  it('should refuse a replayed delivery, and the same signature under a new event id: 401 WEBHOOK_REPLAYED', async () => {
    const { id, secret } = await createIntegration();
    const ts = nowSeconds();
    const body = '{"type":"payment.received"}';
    const signature = signatureHeader(secret, ts, body);
    expect((await deliver(id, { body, timestamp: ts, signature, eventId: 'evt_once' })).statusCode).toBe(202);
    expect401(await deliver(id, { body, timestamp: ts, signature, eventId: 'evt_once' }), 'WEBHOOK_REPLAYED');
    expect401(await deliver(id, { body, timestamp: ts, signature, eventId: 'evt_renamed' }), 'WEBHOOK_REPLAYED');
    // A genuinely new delivery with a fresh event id is fine.
    expect((await deliver(id, { secret, body: '{"type":"payment.refunded"}', eventId: 'evt_twice' })).statusCode).toBe(
      202,
    );
    expect401(
      await deliver(id, { secret, body: '{"type":"payment.other"}', eventId: 'evt_twice' }),
      'WEBHOOK_REPLAYED',
    );
  });

  it('should purge replay records only once no replay of them could pass the timestamp check', async () => {
    const { id, secret } = await createIntegration();
    const ts = nowSeconds();
    const body = '{"type":"late"}';
    const signature = signatureHeader(secret, ts, body);
    expect((await deliver(id, { body, timestamp: ts, signature, eventId: 'evt_purged' })).statusCode).toBe(202);
    const records = () =>
      unsafeWithOwner(
        t.ctx.db,
        async (tx) =>
          (await tx.selectFrom('chambers.webhook_events').select('event_id').where('integration_id', '=', id).execute())
            .length,
      );
    await unsafePurgeWebhookReplayRecords(t.ctx.db, new Date(clock.now().getTime() + 9 * 60_000));
    expect(await records()).toBe(1);
    clock.advance(11 * 60_000);
    await unsafePurgeWebhookReplayRecords(t.ctx.db, clock.now());
    expect(await records()).toBe(0);
    // The record is gone, and the captured delivery is now refused as stale instead.
    expect401(await deliver(id, { body, timestamp: ts, signature, eventId: 'evt_purged' }), 'WEBHOOK_TIMESTAMP_STALE');
  });

  it('should verify over the raw bytes before parsing: a forged non-JSON body is 401, a signed one 400', async () => {
    const { id, secret } = await createIntegration();
    expect401(await deliver(id, { secret: 'wrong', body: '{"not json' }), 'WEBHOOK_SIGNATURE_INVALID');
    expect401(
      await deliver(id, { signature: null, body: '{"not json', contentType: 'text/plain' }),
      'WEBHOOK_SIGNATURE_MISSING',
    );
    const signedGarbage = await deliver(id, { secret, body: '{"not json' });
    expect(signedGarbage.statusCode).toBe(400);
    expect(signedGarbage.json().code).toBe('MALFORMED_JSON');
    // Whitespace and key order are part of what was signed: the exact bytes verify, whatever the content type says.
    expect((await deliver(id, { secret, body: '{ "b":1,\n  "a":2 }', contentType: 'text/plain' })).statusCode).toBe(
      202,
    );
    const big = await deliver(id, { secret, body: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }) });
    expect(big.statusCode).toBe(413);
  });

  it('should keep the previous secret valid for the overlap window after a rotation, then refuse it', async () => {
    const { id, secret: oldSecret } = await createIntegration();
    const rotated = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${admin.orgId}/webhooks/integrations/${id}/rotate`,
      headers: admin.headers,
    });
    expect(rotated.statusCode).toBe(200);
    const { secret: newSecret, previousSecretValidUntil } = rotated.json() as {
      secret: string;
      previousSecretValidUntil: string;
    };
    expect(newSecret).not.toBe(oldSecret);
    expect(new Date(previousSecretValidUntil).getTime()).toBe(clock.now().getTime() + ROTATION_OVERLAP_MS);
    expect((await deliver(id, { secret: oldSecret })).statusCode).toBe(202);
    expect((await deliver(id, { secret: newSecret })).statusCode).toBe(202);

    clock.advance(ROTATION_OVERLAP_MS + 1000);
    expect401(await deliver(id, { secret: oldSecret }), 'WEBHOOK_SIGNATURE_INVALID');
    expect((await deliver(id, { secret: newSecret })).statusCode).toBe(202);
  });

  it('should end the older overlap when rotating twice: only one previous secret at a time', async () => {
    const fresh = await signedInMember(t, { role: 'org_admin' });
    const { id, secret: first } = await createIntegration(fresh);
    const rotate = async () =>
      (
        await t.inject({
          method: 'POST',
          url: `/api/v1/orgs/${fresh.orgId}/webhooks/integrations/${id}/rotate`,
          headers: fresh.headers,
        })
      ).json().secret as string;
    const second = await rotate();
    const third = await rotate();
    expect401(await deliver(id, { secret: first }), 'WEBHOOK_SIGNATURE_INVALID');
    expect((await deliver(id, { secret: second })).statusCode).toBe(202);
    expect((await deliver(id, { secret: third })).statusCode).toBe(202);
  });

  it('should store secrets sealed: not in clear in the database, and unreadable by the runtime role', async () => {
    const { id, secret } = await createIntegration();
    const dump = await unsafeWithOwner(t.ctx.db, async (tx) =>
      (
        await sql<{
          row: string;
        }>`SELECT to_jsonb(s)::text AS row FROM chambers.webhook_secrets s WHERE integration_id = ${id}`.execute(tx)
      ).rows.map((r) => r.row),
    );
    expect(dump).toHaveLength(1);
    expect(dump[0]).toMatch(/"secret_ciphertext": "v1\./);
    expect(dump.join()).not.toContain(secret);
    expect(dump.join()).not.toContain(secret.slice(6, 30));
    const asApp = withTenant(t.ctx.db, { orgId: admin.orgId, userId: admin.userId }, (tx) =>
      sql`SELECT secret_ciphertext FROM chambers.webhook_secrets`.execute(tx),
    );
    await expect(asApp).rejects.toMatchObject({ code: '42501' });
  });

  it("should answer 404 for another organization's integrations, whichever org id the path names", async () => {
    const { id, secret } = await createIntegration();
    const intruder = await signedInMember(t, { role: 'org_admin' });
    for (const orgId of [intruder.orgId, admin.orgId]) {
      for (const req of [
        { method: 'POST' as const, url: `/api/v1/orgs/${orgId}/webhooks/integrations/${id}/rotate` },
        { method: 'DELETE' as const, url: `/api/v1/orgs/${orgId}/webhooks/integrations/${id}` },
      ]) {
        const res = await t.inject({ ...req, headers: intruder.headers });
        expect(res.statusCode, `${req.method} ${req.url}`).toBe(404);
        expect(res.json().code).toBe('NOT_FOUND');
      }
    }
    const list = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${admin.orgId}/webhooks/integrations`,
      headers: intruder.headers,
    });
    expect(list.statusCode).toBe(404);
    const own = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${intruder.orgId}/webhooks/integrations`,
      headers: intruder.headers,
    });
    expect(own.json().integrations).toEqual([]);
    // The integration still works for its owner: nothing was rotated or deleted.
    expect((await deliver(id, { secret })).statusCode).toBe(202);
  });

  it('should let only org_admins manage integrations, and stop deliveries once deleted', async () => {
    const lawyer = await signedInMember(t, { role: 'lawyer' });
    const refused = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${lawyer.orgId}/webhooks/integrations`,
      headers: lawyer.headers,
      payload: { name: 'Mine' },
    });
    expect(refused.statusCode).toBe(403);
    const { id, secret } = await createIntegration();
    const del = await t.inject({
      method: 'DELETE',
      url: `/api/v1/orgs/${admin.orgId}/webhooks/integrations/${id}`,
      headers: admin.headers,
    });
    expect(del.statusCode).toBe(204);
    expect401(await deliver(id, { secret }), 'WEBHOOK_SIGNATURE_INVALID');
    const bad = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${admin.orgId}/webhooks/integrations`,
      headers: admin.headers,
      payload: { name: 'x', extra: true },
    });
    expect(bad.statusCode).toBe(400);
  });
});
