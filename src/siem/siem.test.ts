import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/tenant.ts';
import { parseSyslogUrl, startSyslogForwarder } from './forwarder.ts';
import { parseOctetCounted } from './syslog-format.ts';

async function appendEvents(t: TestApp, n: number): Promise<void> {
  await unsafeWithOwner(t.ctx.db, (tx) =>
    sql`INSERT INTO audit.events (action, outcome, details) SELECT 'auth.login', 'success', jsonb_build_object('i', i) FROM generate_series(1, ${n}) AS i`.execute(
      tx,
    ),
  );
  await t.ctx.auditSealer.sealNow();
}

/** A syslog receiver (octet-counting framing) on a fixed port, plain TCP or TLS; it can be killed and restarted. */
function receiver(kind: 'tcp' | 'tls', tlsOpts?: tls.TlsOptions) {
  const messages: string[] = [];
  let server: net.Server | null = null;
  const sockets = new Set<net.Socket>();
  const onConnection = (s: net.Socket) => {
    sockets.add(s);
    let buf: Buffer = Buffer.alloc(0);
    s.on('data', (chunk: Buffer) => {
      const parsed = parseOctetCounted(Buffer.concat([buf, chunk]));
      messages.push(...parsed.messages);
      buf = parsed.rest;
    });
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  };
  return {
    messages,
    async start(port = 0): Promise<number> {
      server = kind === 'tls' ? tls.createServer(tlsOpts!, onConnection) : net.createServer(onConnection);
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      return (server.address() as net.AddressInfo).port;
    },
    async kill(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
    seqs: () => messages.map((m) => Number(/seq="(\d+)"/.exec(m)?.[1])),
  };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const allSeqsUpTo = (seqs: number[], size: number) => {
  const got = new Set(seqs);
  return Array.from({ length: size }, (_, i) => i).every((i) => got.has(i));
};

describe('SIEM export', () => {
  let t: TestApp;
  let root: Awaited<ReturnType<typeof signedInMember>>;
  let admin: Awaited<ReturnType<typeof signedInMember>>;
  let pki: string;
  beforeAll(async () => {
    t = await startTestApp();
    root = await signedInMember(t, { role: 'lawyer', superAdmin: true });
    admin = await signedInMember(t, { role: 'org_admin' });
    await appendEvents(t, 250);
    // A throwaway CA and a server certificate for 127.0.0.1.
    pki = fs.mkdtempSync(path.join(t.dataDir, 'pki-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: 'ignore' });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=Test syslog CA',
    );
    ssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    );
    fs.writeFileSync(path.join(pki, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    ssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
    );
  });
  afterAll(async () => t?.close());

  it('should stream sealed events as JSON lines from a seq cursor, to a super_admin only', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/audit/stream?after=99', headers: root.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; action: string });
    expect(lines[0]!.seq).toBe(100);
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: lines.length }, (_, i) => 100 + i));
    expect(lines.length).toBeGreaterThanOrEqual(150);
    const resumed = await t.inject({
      method: 'GET',
      url: `/api/v1/audit/stream?after=${lines.at(-1)!.seq}`,
      headers: root.headers,
    });
    expect(
      resumed.body.trim() === '' ||
        (JSON.parse(resumed.body.split('\n')[0]!) as { seq: number }).seq === lines.at(-1)!.seq + 1,
    ).toBe(true);
    expect((await t.inject({ method: 'GET', url: '/api/v1/audit/stream', headers: admin.headers })).statusCode).toBe(
      403,
    );
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/audit/stream?after=x', headers: root.headers })).statusCode,
    ).toBe(400);
  });

  it('should refuse a syslog URL that is not tcp:// or tls://', () => {
    expect(() => parseSyslogUrl('udp://127.0.0.1:514')).toThrow();
    expect(parseSyslogUrl('tls://siem.example:6514', '/ca.pem')).toEqual({
      protocol: 'tls',
      host: 'siem.example',
      port: 6514,
      caFile: '/ca.pem',
    });
  });

  it.each(['tcp', 'tls'] as const)(
    'should forward every event as RFC 5424 over %s, and lose none when the receiver restarts (duplicates only)',
    async (kind) => {
      const name = `test-${kind}`;
      const rx = receiver(
        kind,
        kind === 'tls'
          ? { key: fs.readFileSync(path.join(pki, 'server.key')), cert: fs.readFileSync(path.join(pki, 'server.pem')) }
          : undefined,
      );
      const port = await rx.start();
      const fwd = startSyslogForwarder({
        db: t.ctx.db,
        logger: pino({ level: 'silent' }),
        target: {
          protocol: kind,
          host: '127.0.0.1',
          port,
          ...(kind === 'tls' ? { caFile: path.join(pki, 'ca.pem') } : {}),
        },
        hostname: 'chambers.test',
        name,
        batch: 40,
        idleMs: 30,
        maxBackoffMs: 200,
      });
      try {
        let size = t.ctx.auditSealer.tree.size;
        await until(() => allSeqsUpTo(rx.seqs(), size), 'the first events');
        const first = rx.messages[0]!;
        expect(first).toMatch(
          /^<1(09|10|08)>1 \d{4}-\d\d-\d\dT[\d:.]+Z chambers\.test chambers - [!-~]+ \[chambers@32473 seq="\d+" outcome="\w+" org="[^"]+"\] \{/,
        );
        expect(JSON.parse(first.slice(first.indexOf('] {') + 2))).toMatchObject({
          seq: expect.any(Number),
          action: expect.any(String),
        });

        await rx.kill();
        await appendEvents(t, 300);
        await new Promise((r) => setTimeout(r, 300));
        await rx.start(port);
        size = t.ctx.auditSealer.tree.size;
        await until(() => allSeqsUpTo(rx.seqs(), size), 'every event after the restart');
        // The receiver holds the bytes before the forwarder's write callback commits the cursor: wait for the commit.
        const cursor = async () => {
          const { rows } = await sql<{
            after_seq: number;
          }>`SELECT after_seq FROM audit.siem_cursors WHERE name = ${name}`.execute(t.ctx.db.owner);
          return rows[0]?.after_seq;
        };
        await until(async () => (await cursor()) === size - 1, 'the cursor to reach the last forwarded event');
        expect(await cursor()).toBe(size - 1);
      } finally {
        await fwd.stop();
        await rx.kill();
      }
    },
  );
});
