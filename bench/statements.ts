// `node --import tsx bench/statements.ts <postgres url of a server with pg_stat_statements loaded>`:
// the statements and round trips one request of each hot-path kind costs, read from pg_stat_statements.
// Not part of `npm run bench` (the shared server does not preload the extension); docs/performance.md shows how to
// start a private server that does.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverUrl = process.argv[2];
if (!serverUrl) throw new Error('usage: bench/statements.ts <postgres url with pg_stat_statements>');
// A scratch database of its own on that server, dropped at the end.
const dbName = `chambers_statements_${process.pid}`;
const maintenance = new pg.Client({ connectionString: serverUrl });
await maintenance.connect();
await maintenance.query(`CREATE DATABASE ${dbName}`);
const url = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
const N = Number(process.env.STATEMENTS_N ?? 200);
type Ready = { port: number; accessToken: string; email: string; password: string; matterId: string };

const child = fork(path.join(here, 'servers', 'chambers.ts'), [], {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, BENCH_DATABASE_URL: url },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const ready = await new Promise<Ready>((resolve) => child.once('message', (m) => resolve(m as Ready)));
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');

const kinds: Array<{ name: string; run: () => Promise<Response> }> = [
  {
    name: 'GET /api/v1/me',
    run: () =>
      fetch(`http://127.0.0.1:${ready.port}/api/v1/me`, { headers: { authorization: `Bearer ${ready.accessToken}` } }),
  },
  {
    name: 'GET /api/v1/matters',
    run: () =>
      fetch(`http://127.0.0.1:${ready.port}/api/v1/matters`, {
        headers: { authorization: `Bearer ${ready.accessToken}` },
      }),
  },
  {
    name: 'GET /api/v1/matters/:id/documents',
    run: () =>
      fetch(`http://127.0.0.1:${ready.port}/api/v1/matters/${ready.matterId}/documents`, {
        headers: { authorization: `Bearer ${ready.accessToken}` },
      }),
  },
  {
    name: 'POST /api/v1/auth/login',
    run: () =>
      fetch(`http://127.0.0.1:${ready.port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ready.email, password: ready.password }),
      }),
  },
];
for (const kind of kinds) {
  await (await kind.run()).arrayBuffer(); // warm
  await new Promise((r) => setTimeout(r, 300)); // let the audit log's group commit of the warm-up settle
  await admin.query('SELECT pg_stat_statements_reset()');
  for (let i = 0; i < N; i++) {
    const res = await kind.run();
    if (!res.ok) throw new Error(`${kind.name}: ${res.status}`);
    await res.arrayBuffer();
  }
  await new Promise((r) => setTimeout(r, 300));
  const { rows } = await admin.query<{ query: string; calls: string; plans: string; ms: number }>(
    `SELECT query, calls, plans, total_exec_time + total_plan_time AS ms FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC, ms DESC`,
  );
  const total = rows.reduce((n, r) => n + Number(r.calls), 0);
  const ms = rows.reduce((n, r) => n + r.ms, 0);
  console.log(
    `\n${kind.name}: ${(total / N).toFixed(1)} statements per request, ${((ms / N) * 1000).toFixed(0)} µs PostgreSQL time`,
  );
  for (const r of rows)
    console.log(
      `  ${(Number(r.calls) / N).toFixed(2).padStart(5)}  ${((r.ms / Number(r.calls)) * 1000).toFixed(0).padStart(5)} µs  planned ${String(r.plans).padStart(3)}×  ${r.query.replace(/\s+/g, ' ').slice(0, 110)}`,
    );
}
await admin.end();
await new Promise<void>((resolve) => {
  child.once('exit', () => resolve());
  child.send('stop');
});
await maintenance.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
await maintenance.end();
