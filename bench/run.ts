// `npm run bench`: measurements reported as ratios against a baseline run in the same process.
// Needs the PostgreSQL server on 127.0.0.1:5432 (BENCH_PG_URL to change it).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { hashPassword, verifyPassword } from '../src/accounts/password-hash.ts';
import { postgresCpuMs, processCpuMs } from './process-cpu.ts';
import { createScratchDatabase } from '../test/helpers/test-db.ts';
import { benchVault } from './vault.ts';
import { benchDocuments } from './documents.ts';
import { benchAudit } from './audit.ts';
import { benchRateLimits } from './rate-limit.ts';
import { benchApiKeys } from './api-keys.ts';
import { benchSignatures } from './signatures.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);

type Ready = {
  port: number;
  accessToken: string;
  email?: string;
  password?: string;
  matterId?: string;
  /** The baseline's bare node:http listener that only verifies a password. */
  barePort?: number;
};

function startServer(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; ready: Ready }> {
  // BENCH_CHILD_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles Chambers,
  // BENCH_BASELINE_NODE_ARGS the baseline: two profiles of one run compare function by function.
  const args = script === 'chambers.ts' ? process.env.BENCH_CHILD_NODE_ARGS : process.env.BENCH_BASELINE_NODE_ARGS;
  const extra = args?.split(' ').filter(Boolean) ?? [];
  const child = fork(path.join(here, 'servers', script), [], {
    execArgv: ['--import', 'tsx', ...extra],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as Ready }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.send('stop');
  });
}

async function load(opts: autocannon.Options & { pid: number }) {
  const cpuBefore = processCpuMs(opts.pid);
  const pgBefore = postgresCpuMs();
  const result = await autocannon({ ...opts, duration: DURATION });
  const cpuMs = processCpuMs(opts.pid) - cpuBefore;
  const pgMs = postgresCpuMs() - pgBefore;
  const ok = Math.max(1, result.requests.total - result.non2xx);
  return {
    rps: result.requests.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    p99: result.latency.p99,
    cpuPerRequestMs: cpuMs / ok,
    pgCpuPerRequestMs: pgMs / ok,
  };
}

/** A request's whole CPU: the server's and, on PostgreSQL, the database's (PGlite's runs inside the server). */
function wholeCpuMs(r: Awaited<ReturnType<typeof load>>): number {
  return r.cpuPerRequestMs + r.pgCpuPerRequestMs;
}

function row(name: string, r: Awaited<ReturnType<typeof load>>) {
  return `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s  ${r.cpuPerRequestMs.toFixed(3).padStart(7)} ms CPU/req  ${r.pgCpuPerRequestMs.toFixed(3)} ms PostgreSQL CPU/req  p99 ${String(r.p99).padStart(4)} ms  non-2xx ${r.non2xx}  errors ${r.errors}`;
}

/** The authenticated reads of the hot path: the same three routes on Chambers and on the insecure baseline. */
const API_ROUTES = [
  { name: 'GET /api/v1/me', path: () => '/api/v1/me' },
  { name: 'GET /api/v1/matters (10)', path: () => '/api/v1/matters' },
  { name: 'GET /api/v1/matters/:id/documents (10)', path: (r: Ready) => `/api/v1/matters/${r.matterId}/documents` },
];

/** `dbUrl` null: both servers on the embedded PGlite (each its own, in its own process). */
async function benchApi(dbUrl: string | null) {
  const env: Record<string, string> = dbUrl ? { BENCH_DATABASE_URL: dbUrl } : {};
  const engine = dbUrl ? 'PostgreSQL' : 'PGlite';
  const chambers = await startServer('chambers.ts', env);
  // The PGlite baseline seeds its own member with the same password, for its sign-in.
  const baseline = await startServer('express-baseline.ts', { ...env, BENCH_LOGIN_PASSWORD: chambers.ready.password! });
  const target = (r: Ready, pid: number, urlPath: string) => ({
    url: `http://127.0.0.1:${r.port}${urlPath}`,
    // PGlite serves one query at a time: more connections only queue.
    connections: dbUrl ? 64 : 16,
    headers: { authorization: `Bearer ${r.accessToken}` },
    pid,
  });
  for (const route of API_ROUTES) {
    // The PGlite baseline seeds its own rows: its matter id comes from its own list.
    const baselinePath = dbUrl ? route.path(chambers.ready) : await baselinePathOf(baseline.ready, route);
    const oursPath = route.path(chambers.ready);
    // Warm both (JIT, pools, plans), then measure.
    await autocannon({ ...target(baseline.ready, baseline.child.pid!, baselinePath), duration: 2 });
    await autocannon({ ...target(chambers.ready, chambers.child.pid!, oursPath), duration: 2 });
    const base = await load(target(baseline.ready, baseline.child.pid!, baselinePath));
    const ours = await load(target(chambers.ready, chambers.child.pid!, oursPath));
    console.log(`\n${route.name}, ${engine}, bearer token, ${dbUrl ? 64 : 16} connections`);
    console.log(row('baseline: express+jsonwebtoken+query', base));
    console.log(row('chambers: session check + RLS', ours));
    console.log(
      `ratio chambers/baseline (${engine}): throughput ${(ours.rps / base.rps).toFixed(2)}x, server CPU per request ${(ours.cpuPerRequestMs / base.cpuPerRequestMs).toFixed(2)}x` +
        (dbUrl ? `, PostgreSQL CPU per request ${(ours.pgCpuPerRequestMs / base.pgCpuPerRequestMs).toFixed(2)}x` : ''),
    );
  }
  return { chambers, baseline };
}

async function baselinePathOf(r: Ready, route: (typeof API_ROUTES)[number]): Promise<string> {
  if (!route.path({ ...r, matterId: ':id' }).includes(':id')) return route.path(r);
  const res = await fetch(`http://127.0.0.1:${r.port}/api/v1/matters`, {
    headers: { authorization: `Bearer ${r.accessToken}` },
  });
  const { matters } = (await res.json()) as { matters: Array<{ id: string; title: string }> };
  const first = matters.find((m) => m.title === 'Bench matter 0');
  return route.path({ ...r, matterId: first?.id });
}

type Server = { child: ChildProcess; ready: Ready };

async function benchLogin({ chambers, baseline }: { chambers: Server; baseline: Server }, engine: string) {
  // The reference: argon2id verifications measured in this process, alone and as the server runs them under
  // load, as many at once as its thread pool has threads (UV_THREADPOOL_SIZE, 4 by default). Side by side they
  // share the cores and the memory bus, and each costs more CPU; the sign-in's own hash is one of those.
  const hash = await hashPassword(chambers.ready.password!);
  // Three rounds, the median: one short round swung by ±20% on this shared machine.
  const verifyCpu = async (atOnce: number) => {
    const n = 10 * atOnce;
    const rounds: number[] = [];
    for (let round = 0; round < 3; round++) {
      const t0 = process.cpuUsage();
      for (let i = 0; i < n; i += atOnce)
        await Promise.all(Array.from({ length: atOnce }, () => verifyPassword(hash, chambers.ready.password!)));
      const d = process.cpuUsage(t0);
      rounds.push((d.user + d.system) / 1000 / n);
    }
    return rounds.sort((a, b) => a - b)[1]!;
  };
  const poolThreads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const verifyCpuMs = await verifyCpu(1);
  const verifyCpuMsPooled = await verifyCpu(poolThreads);

  const body = JSON.stringify({ email: chambers.ready.email, password: chambers.ready.password });
  const loginLoad = (server: Server = chambers, urlPath = '/api/v1/auth/login', port = server.ready.port) => ({
    url: `http://127.0.0.1:${port}${urlPath}`,
    method: 'POST' as const,
    connections: 100,
    headers: { 'content-type': 'application/json' },
    body,
    pid: server.child.pid!,
  });
  // Phase 0: the insecure baseline's sign-in (user read, the same argon2id, one session row, an RS256 token):
  // what a sign-in costs beside its hash with nothing else to do, on this machine, in this run.
  await autocannon({ ...loginLoad(baseline), duration: 2 });
  const floor = await load(loginLoad(baseline));
  // And a POST that only verifies the password, on the same server under the same load: the hash as served.
  const hashServed = await load(loginLoad(baseline, '/bench/verify-only'));
  // The same through bare node:http in the same process: how much of that is Express.
  const hashBare = await load(loginLoad(baseline, '/', baseline.ready.barePort));
  // Phase 1: logins alone, for CPU per login.
  const alone = await load(loginLoad());
  // Phase 2: logins again with a light /healthz probe alongside: argon2 runs on the thread pool, so the event loop must stay free.
  const withProbe = load(loginLoad());
  const health = await autocannon({
    url: `http://127.0.0.1:${chambers.ready.port}/healthz`,
    connections: 1,
    duration: DURATION,
  });
  await withProbe;
  console.log(`\nPOST /api/v1/auth/login, ${engine}, 100 connections`);
  console.log(row('baseline: express+argon2id+insert+jwt', floor));
  console.log(row('baseline: a POST that only verifies', hashServed));
  console.log(row('the same through bare node:http', hashBare));
  console.log(row('chambers: login', alone));
  const wholeMs = wholeCpuMs(alone);
  const floorMs = wholeCpuMs(floor);
  console.log(
    `a whole login: ${wholeMs.toFixed(1)} ms CPU (server and database); the baseline's: ${floorMs.toFixed(1)} ms; ratio chambers/baseline ${(wholeMs / floorMs).toFixed(2)}x`,
  );
  console.log(
    `one argon2id verification: ${verifyCpuMs.toFixed(1)} ms CPU in this process; a whole login costs ${(wholeMs / verifyCpuMs).toFixed(2)}x that`,
  );
  console.log(
    `argon2id verifications ${poolThreads} at once (the server's thread pool under load): ${verifyCpuMsPooled.toFixed(1)} ms CPU each; a whole login costs ${(wholeMs / verifyCpuMsPooled).toFixed(2)}x that, the baseline's ${(floorMs / verifyCpuMsPooled).toFixed(2)}x`,
  );
  const servedMs = wholeCpuMs(hashServed);
  console.log(
    `a POST that only verifies the password: ${servedMs.toFixed(1)} ms CPU; beside it, a whole login costs ${(wholeMs - servedMs).toFixed(1)} ms (${(wholeMs / servedMs).toFixed(2)}x), the baseline's ${(floorMs - servedMs).toFixed(1)} ms (${(floorMs / servedMs).toFixed(2)}x)`,
  );
  const bareMs = wholeCpuMs(hashBare);
  console.log(
    `the same through bare node:http: ${bareMs.toFixed(1)} ms CPU (${(bareMs / verifyCpuMsPooled).toFixed(2)}x the four-at-once reference); a whole login costs ${(wholeMs / bareMs).toFixed(2)}x that, the baseline's ${(floorMs / bareMs).toFixed(2)}x`,
  );
  console.log(
    `/healthz during 100 concurrent logins: p50 ${health.latency.p50} ms, p99 ${health.latency.p99} ms, max ${health.latency.max} ms, ${health.requests.total} requests`,
  );
}

// BENCH_ONLY=api|vault|documents|api-keys|signatures|audit|rate-limit runs one phase; unset runs them all.
const only = process.env.BENCH_ONLY;
const phase = (name: string) => !only || only === name;
const scratch = await createScratchDatabase();
try {
  if (phase('api')) {
    // BENCH_ENGINES=postgres|pglite measures one engine; both by default.
    const engines = (process.env.BENCH_ENGINES ?? 'postgres,pglite').split(',');
    for (const engine of engines) {
      const servers = await benchApi(engine === 'pglite' ? null : scratch.url);
      await benchLogin(servers, engine === 'pglite' ? 'PGlite' : 'PostgreSQL');
      await stop(servers.baseline.child);
      await stop(servers.chambers.child);
    }
  }
  if (phase('vault')) await benchVault();
  if (phase('documents')) await benchDocuments(scratch.url);
  if (phase('api-keys')) await benchApiKeys(scratch.url, { startServer, stop, load, row });
  if (phase('signatures')) await benchSignatures(scratch.url);
} finally {
  await scratch.drop();
}
if (phase('rate-limit')) await benchRateLimits({ startServer, stop, load, row });
if (phase('audit') && process.env.BENCH_AUDIT !== '0') {
  const auditDb = await createScratchDatabase();
  try {
    await benchAudit(auditDb.url);
  } finally {
    await auditDb.drop();
  }
}
