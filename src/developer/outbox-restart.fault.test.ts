/**
 * Fault: the server stops with deliveries still in its outbox (the receiver was down,
 * or the event was written a moment before shutdown). The outbox is a table, so the
 * next start delivers them: nothing is lost, and the signature still verifies.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, testDatabaseKind } from '../../test/helpers/test-db.ts';
import { boot } from '../boot.ts';
import { loadConfig } from '../platform/config.ts';
import { unsafeWithOwner, withTenant } from '../platform/db/index.ts';
import { publishWebhookEvent } from './webhook-events.ts';
import * as webhooks from './webhooks.service.ts';

describe('the webhook outbox across a restart', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-outbox-'));
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | null = null;
  afterAll(async () => {
    await scratch?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (dispatchMs: number) => {
    const config = loadConfig({
      CHAMBERS_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      SSRF_ALLOW_HOSTS: '127.0.0.1',
      WEBHOOK_DISPATCH_MS: String(dispatchMs),
      WEBHOOK_RETRY_BASE_MS: '100',
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    });
    // PGlite on files in the data directory (not in memory), so a second start sees the first one's data.
    return boot(config, { logger: pino({ level: 'silent' }) });
  };

  it('should deliver, after a restart, the events left pending before it', async () => {
    if (testDatabaseKind() === 'postgres') scratch = await createScratchDatabase();
    const got: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    // First life: the dispatcher would not run for an hour; an endpoint and two events are written, then it stops.
    const first = await start(3_600_000);
    const { orgId, userId } = await unsafeWithOwner(first.ctx.db, async (tx) => {
      const org = await tx
        .insertInto('chambers.organizations')
        .values({ name: 'Firm', kind: 'firm' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const user = await tx
        .insertInto('chambers.users')
        .values({ email: 'dev@example.com', name: 'Dev' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('chambers.memberships')
        .values({ org_id: org.id, user_id: user.id, role: 'api_admin' })
        .execute();
      return { orgId: org.id, userId: user.id };
    });
    const actor = { orgId, userId };
    const hook = await withTenant(first.ctx.db, actor, (tx) =>
      webhooks.createWebhook(
        tx,
        actor,
        { url, mode: 'live', events: ['matter.created', 'document.deleted'] },
        {
          masterKey: first.ctx.keys.masterKey,
          allowHosts: ['127.0.0.1'],
          now: new Date(),
        },
      ),
    );
    await withTenant(first.ctx.db, actor, async (tx) => {
      await publishWebhookEvent(tx, orgId, 'matter.created', { matterId: 'm-1' });
      await publishWebhookEvent(tx, orgId, 'document.deleted', { documentId: 'd-1' });
    });
    await first.close();
    expect(got).toHaveLength(0);

    // Second life: the pending events go out.
    const second = await start(50);
    try {
      const deadline = Date.now() + 15_000;
      while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const types = got.map(
        (g) => (new Webhook(hook.secret).verify(g.body, g.headers as Record<string, string>) as { type: string }).type,
      );
      expect(types.sort()).toEqual(['document.deleted', 'matter.created']);
      // The receiver may answer before the dispatcher records it: wait for the outbox to settle.
      const undelivered = async () =>
        (
          await unsafeWithOwner(second.ctx.db, (tx) =>
            sql<{
              n: number;
            }>`SELECT count(*)::int AS n FROM chambers.webhook_deliveries WHERE status <> 'delivered'`.execute(tx),
          )
        ).rows[0]!.n;
      while ((await undelivered()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(await undelivered()).toBe(0);
      expect(got).toHaveLength(2);
    } finally {
      await second.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
