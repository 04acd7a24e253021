// Child process: a real Chambers (PostgreSQL with BENCH_DATABASE_URL, else embedded PGlite) with one signed-in lawyer,
// ten matters and ten documents in the first; reports port, token and that matter to the parent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { boot } from '../../src/boot.ts';
import type { RateLimitStore } from '../../src/http/rate-limit.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { hashPassword } from '../../src/accounts/password-hash.ts';
import { unsafeWithOwner } from '../../src/platform/db/tenant.ts';
import { benchApiKey } from './api-key-fixture.ts';
import { seedWorkspace } from './workspace-fixture.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-bench-'));
const config = loadConfig({
  CHAMBERS_DATA_DIR: dataDir,
  DATABASE_URL: process.env.BENCH_DATABASE_URL,
  LOG_LEVEL: 'silent',
  RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
  RATE_LIMIT_PUBLIC_PER_MINUTE: '1000000',
  RATE_LIMIT_LAWYER_PER_MINUTE: '1000000',
  // The documents bench uploads 200 MB: the default per-organization upload limit is BODY_LIMIT.
  ...(process.env.BENCH_BODY_LIMIT ? { BODY_LIMIT: process.env.BENCH_BODY_LIMIT } : {}),
  // The rate-limit phase: BENCH_REDIS_URL puts the counters in Redis (under a prefix of its own).
  ...(process.env.BENCH_REDIS_URL
    ? { REDIS_URL: process.env.BENCH_REDIS_URL, RATE_LIMIT_REDIS_PREFIX: `chambers:bench:${process.pid}:` }
    : {}),
});
// BENCH_RATE_LIMIT_STORE=none: a store that counts nothing, the baseline of the rate-limit phase.
const noCounting: RateLimitStore = {
  kind: 'none',
  hit: async (_key, windowMs, now) => ({ count: 0, resetAt: now + windowMs }),
};
const runtime = await boot(config, {
  logger: pino({ level: 'silent' }),
  ...(process.env.BENCH_RATE_LIMIT_STORE === 'none' ? { rateLimitStore: noCounting } : {}),
});
const email = 'bench@example.com';
const password = 'violet-harbour-quietly-47';
const passwordHash = await hashPassword(password);
const member = await unsafeWithOwner(runtime.ctx.db, async (tx) => {
  const org = await tx
    .insertInto('chambers.organizations')
    .values({ name: 'Bench LLP', kind: 'firm' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const user = await tx
    .insertInto('chambers.users')
    .values({ email, name: 'Bench', password_hash: passwordHash, email_verified_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx.insertInto('chambers.memberships').values({ org_id: org.id, user_id: user.id, role: 'lawyer' }).execute();
  return { orgId: org.id, userId: user.id };
});
// BENCH_API_KEY=1: an API key of the same member (matters:read, a rate limit the load cannot reach) and a few matters.
const apiKey = process.env.BENCH_API_KEY ? await benchApiKey(runtime.ctx.db, member) : undefined;
await runtime.app.listen({ host: '127.0.0.1', port: 0 });
const address = runtime.app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const login = await runtime.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
const accessToken = (login.json() as { accessToken: string }).accessToken;
const matterId = await seedWorkspace(runtime.app, accessToken);
process.send?.({ port, accessToken, email, password, apiKey, matterId });
process.on('message', (m) => {
  if (m === 'stop') {
    void runtime.close().then(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
