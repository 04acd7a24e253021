// Rate-limit phase of `npm run bench`: the same routes with no counting, the memory store and
// the Redis store (BENCH_REDIS_URL, default 127.0.0.1:6379), each on its own scratch database.
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { createScratchDatabase } from '../test/helpers/test-db.ts';

type Ready = { port: number; accessToken: string };
type Server = { child: ChildProcess; ready: Ready };
type Measured = { rps: number; cpuPerRequestMs: number; p99: number; non2xx: number };

export type BenchDeps<M extends Measured> = {
  startServer(script: string, env: Record<string, string>): Promise<Server>;
  stop(child: ChildProcess): Promise<void>;
  load(opts: autocannon.Options & { pid: number }): Promise<M>;
  row(name: string, r: M): string;
};

export async function benchRateLimits<M extends Measured>(deps: BenchDeps<M>): Promise<void> {
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const stores: Array<{ name: string; env: Record<string, string> }> = [
    { name: 'no counting', env: { BENCH_RATE_LIMIT_STORE: 'none' } },
    { name: 'memory store', env: {} },
    { name: 'redis store', env: { BENCH_REDIS_URL: redisUrl } },
  ];
  const routes = [
    { path: '/healthz', auth: false, what: 'GET /healthz (public tier: 1 counter per request)' },
    { path: '/api/v1/me', auth: true, what: 'GET /api/v1/me (lawyer tier: IP + account = 2 counters per request)' },
  ];
  const results = new Map<string, M>();
  for (const store of stores) {
    const scratch = await createScratchDatabase();
    const server = await deps.startServer('chambers.ts', { BENCH_DATABASE_URL: scratch.url, ...store.env });
    try {
      for (const route of routes) {
        const target = {
          url: `http://127.0.0.1:${server.ready.port}${route.path}`,
          connections: 32,
          headers: route.auth ? { authorization: `Bearer ${server.ready.accessToken}` } : {},
          pid: server.child.pid!,
        };
        // Warm up longer than the other phases: a fresh server is still loading its password list.
        await autocannon({ ...target, duration: 5 });
        results.set(`${store.name} ${route.path}`, await deps.load(target));
      }
    } finally {
      await deps.stop(server.child);
      await scratch.drop();
    }
  }
  for (const route of routes) {
    console.log(`\nrate-limit overhead: ${route.what}, 32 connections`);
    const base = results.get(`no counting ${route.path}`)!;
    for (const store of stores) {
      const r = results.get(`${store.name} ${route.path}`)!;
      console.log(
        `${deps.row(store.name, r)}  throughput ${(r.rps / base.rps).toFixed(2)}x, CPU/req ${(r.cpuPerRequestMs / base.cpuPerRequestMs).toFixed(2)}x of no counting`,
      );
    }
  }
}
