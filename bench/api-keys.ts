// API-key phase of `npm run bench`: GET /api/v1/matters with an API key (X-Api-Key) against the same
// request with a bearer token, on one server in one run: requests per second and CPU per request.
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';

type Ready = { port: number; accessToken: string; apiKey?: string };
type Measured = {
  rps: number;
  total: number;
  non2xx: number;
  errors: number;
  p99: number;
  cpuPerRequestMs: number;
  pgCpuPerRequestMs: number;
};
type Load = (opts: autocannon.Options & { pid: number }) => Promise<Measured>;

export async function benchApiKeys(
  dbUrl: string,
  h: {
    startServer: (script: string, env: Record<string, string>) => Promise<{ child: ChildProcess; ready: Ready }>;
    stop: (child: ChildProcess) => Promise<void>;
    load: Load;
    row: (name: string, r: Measured) => string;
  },
): Promise<void> {
  const server = await h.startServer('chambers.ts', { BENCH_DATABASE_URL: dbUrl, BENCH_API_KEY: '1' });
  try {
    const { port, accessToken, apiKey } = server.ready;
    if (!apiKey) throw new Error('the bench server made no API key');
    const pid = server.child.pid!;
    const target = (headers: Record<string, string>) => ({
      url: `http://127.0.0.1:${port}/api/v1/matters`,
      connections: 64,
      headers,
      pid,
    });
    const bearer = { authorization: `Bearer ${accessToken}` };
    const key = { 'x-api-key': apiKey };
    // Warm both paths, then measure each.
    await autocannon({ ...target(bearer), duration: 2 });
    await autocannon({ ...target(key), duration: 2 });
    const withBearer = await h.load(target(bearer));
    const withKey = await h.load(target(key));
    console.log('\nGET /api/v1/matters (10 matters), 64 connections');
    console.log(h.row('bearer token (session + RLS)', withBearer));
    console.log(h.row('API key (hash lookup + bucket + quota + RLS + call log)', withKey));
    console.log(
      `ratio key/bearer: throughput ${(withKey.rps / withBearer.rps).toFixed(2)}x, server CPU per request ${(withKey.cpuPerRequestMs / withBearer.cpuPerRequestMs).toFixed(2)}x, ` +
        `PostgreSQL CPU per request ${(withKey.pgCpuPerRequestMs / withBearer.pgCpuPerRequestMs).toFixed(2)}x`,
    );
  } finally {
    await h.stop(server.child);
  }
}
