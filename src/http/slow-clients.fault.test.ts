/*
 * Fault: slow clients holding connections open (slowloris and slow-body attacks).
 *
 * A client that sends its headers a byte at a time, or sends headers and then
 * trickles or stalls its body, ties up a socket and whatever the server keeps for
 * it. Each kind must be cut off — headers within HTTP_HEADERS_TIMEOUT_SECONDS, the
 * whole request within HTTP_REQUEST_TIMEOUT_SECONDS, a silent socket within
 * HTTP_IDLE_TIMEOUT_SECONDS — its connection freed, and other clients served
 * normally meanwhile. The timeouts are shortened here (2 s / 4 s / 2 s).
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

type Closed = { afterMs: number; received: string };

/** Opens a raw connection, runs `drip` on it, and resolves when the server closes it. */
function slowClient(port: number, drip: (socket: net.Socket) => void): Promise<Closed> {
  return new Promise((resolve) => {
    const started = Date.now();
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => drip(socket));
    socket.on('data', (d) => (received += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ afterMs: Date.now() - started, received }));
  });
}

/** Writes `chunks` one per `everyMs` while the socket is open; stops at the end (a stall). */
function trickle(socket: net.Socket, chunks: string[], everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= chunks.length) return clearInterval(timer);
    socket.write(chunks[i++]!);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

describe('slow clients are cut off and their connections freed', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({
      env: { HTTP_HEADERS_TIMEOUT_SECONDS: '2', HTTP_REQUEST_TIMEOUT_SECONDS: '4', HTTP_IDLE_TIMEOUT_SECONDS: '2' },
    });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => t?.close());

  const healthy = async () => {
    const started = Date.now();
    // No keep-alive: the connection count at the end should be the attackers' alone.
    const status = await new Promise<number>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port, path: '/healthz', agent: false, headers: { connection: 'close' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
        .on('error', reject),
    );
    return { status, ms: Date.now() - started };
  };

  it('should close a slowloris that never finishes its headers (one header line every 500 ms)', async () => {
    const lines = [
      'GET /healthz HTTP/1.1\r\n',
      'Host: 127.0.0.1\r\n',
      ...Array.from({ length: 60 }, (_, i) => `X-Slow-${i}: a\r\n`),
    ];
    const closed = await slowClient(port, (s) => trickle(s, lines, 500));
    expect(closed.afterMs).toBeLessThan(5_000);
    expect(closed.received).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('should close a client that trickles its body (a byte every 500 ms, never idle) at the request timeout', async () => {
    const head =
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n';
    const closed = await slowClient(port, (s) => {
      s.write(head);
      trickle(
        s,
        Array.from({ length: 200 }, () => ' '),
        500,
      );
    });
    expect(closed.afterMs).toBeGreaterThanOrEqual(3_500);
    expect(closed.afterMs).toBeLessThan(8_000);
    expect(closed.received).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it('should close a client that sends half a body and then stalls', async () => {
    const head =
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"email":"a@example.com",';
    const closed = await slowClient(port, (s) => s.write(head));
    expect(closed.afterMs).toBeLessThan(6_000);
    expect(closed.received).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it('should keep serving others while 40 slow clients hang on, and free every connection', async () => {
    const attackers = Array.from({ length: 40 }, (_, i) =>
      slowClient(port, (s) =>
        i % 2 === 0
          ? trickle(s, ['GET / HTTP/1.1\r\n', ...Array.from({ length: 40 }, () => 'X-A: b\r\n')], 400)
          : s.write(
              'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{',
            ),
      ),
    );
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 5; i++) {
      const res = await healthy();
      expect(res.status).toBe(200);
      expect(res.ms).toBeLessThan(1_000);
    }
    const closed = await Promise.all(attackers);
    expect(Math.max(...closed.map((c) => c.afterMs))).toBeLessThan(8_000);
    const open = await new Promise<number>((resolve, reject) =>
      t.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
    );
    expect(open).toBe(0);
  });
});
