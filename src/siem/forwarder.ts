import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { Database } from '../platform/db/index.ts';
import { toFields } from '../audit/index.ts';
import { unsafeLoadCursor, unsafeSaveCursor, unsafeSealedEvents } from './siem.repository.ts';
import { octetCountedFrame, syslogMessage } from './syslog-format.ts';

export type SyslogTarget = { protocol: 'tcp' | 'tls'; host: string; port: number; caFile?: string };

export type SyslogForwarderOptions = {
  db: Database;
  logger: Logger;
  target: SyslogTarget;
  hostname: string;
  /** Cursor row in audit.siem_cursors. */
  name?: string;
  batch?: number;
  idleMs?: number;
  maxBackoffMs?: number;
  /** After a broken connection, events flushed this recently are sent again (TCP has no application ack). */
  resendWindowMs?: number;
};

/** Parses AUDIT_SYSLOG_URL: tcp://host:port or tls://host:port. */
export function parseSyslogUrl(raw: string, caFile?: string): SyslogTarget {
  const u = new URL(raw);
  const protocol = u.protocol === 'tcp:' ? 'tcp' : u.protocol === 'tls:' ? 'tls' : null;
  const port = Number(u.port);
  if (!protocol || !u.hostname || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error('AUDIT_SYSLOG_URL must be tcp://host:port or tls://host:port');
  return { protocol, host: u.hostname.replace(/^\[|\]$/g, ''), port, ...(caFile ? { caFile } : {}) };
}

/**
 * Forwards sealed audit events, in seq order, as RFC 5424 syslog over TCP or TLS with
 * octet-counting framing. At least once: the cursor (audit.siem_cursors) moves only
 * after a batch was flushed to the socket, and after a broken connection the events
 * flushed in the last `resendWindowMs` are sent again — a receiver may see duplicates
 * (same seq), never a gap. Reconnects with exponential backoff.
 */
export function startSyslogForwarder(opts: SyslogForwarderOptions): { stop(): Promise<void>; cursor(): number } {
  const name = opts.name ?? 'syslog';
  const batch = opts.batch ?? 500;
  const idleMs = opts.idleMs ?? 1000;
  const maxBackoff = opts.maxBackoffMs ?? 30_000;
  const resendWindow = opts.resendWindowMs ?? 5000;
  let stopped = false;
  let socket: net.Socket | null = null;
  let after = -1;
  /** [time flushed, cursor before that batch] of recent batches on the current connection. */
  let recent: Array<[number, number]> = [];
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const saveCursor = (value: number) => unsafeSaveCursor(opts.db, name, value);

  const connect = () =>
    new Promise<net.Socket>((resolve, reject) => {
      const { target } = opts;
      const s =
        target.protocol === 'tls'
          ? tls.connect(
              {
                host: target.host,
                port: target.port,
                servername: net.isIP(target.host) ? undefined : target.host,
                ...(target.caFile ? { ca: fs.readFileSync(target.caFile) } : {}),
              },
              () => resolve(s),
            )
          : net.connect({ host: target.host, port: target.port }, () => resolve(s));
      s.once('error', reject);
      // Later errors surface through the next write (its callback or 'close'); never as an unhandled 'error'.
      s.on('error', () => undefined);
      s.setKeepAlive(true, 10_000);
    });

  const write = (s: net.Socket, data: Buffer) =>
    new Promise<void>((resolve, reject) => {
      if (s.destroyed) return reject(new Error('connection closed'));
      const onClose = () => reject(new Error('connection closed'));
      s.once('close', onClose);
      s.write(data, (err) => {
        s.off('close', onClose);
        if (err) reject(err);
        else resolve();
      });
    });

  async function run(): Promise<void> {
    let loaded = false;
    let backoff = 100;
    while (!stopped) {
      try {
        if (!loaded) {
          after = await unsafeLoadCursor(opts.db, name);
          loaded = true;
        }
        socket ??= await connect();
        const s = socket;
        const events = await unsafeSealedEvents(opts.db, after + 1, after + 1 + batch);
        if (events.length === 0) {
          await sleep(idleMs);
          continue;
        }
        const frames = events.map((r) => octetCountedFrame(syslogMessage(toFields(r, r.seq!), opts.hostname)));
        await write(s, Buffer.concat(frames));
        const before = after;
        after = Number(events[events.length - 1]!.seq);
        const now = Date.now();
        recent = [...recent.filter(([t]) => now - t < resendWindow), [now, before]];
        await saveCursor(after);
        backoff = 100;
      } catch (err) {
        if (stopped) break;
        socket?.destroy();
        socket = null;
        // Whatever was flushed recently may sit unread in a dead receiver's buffer: send it again.
        const oldest = recent[0];
        if (oldest) {
          after = Math.min(after, oldest[1]);
          await saveCursor(after).catch(() => undefined);
        }
        recent = [];
        opts.logger.warn(
          { err: { message: (err as Error).message }, retryInMs: backoff },
          'audit syslog forwarding interrupted; reconnecting',
        );
        await sleep(backoff);
        backoff = Math.min(maxBackoff, backoff * 2);
      }
    }
  }

  const running = run().catch((err: Error) =>
    opts.logger.error({ err: { message: err.message } }, 'audit syslog forwarder stopped'),
  );
  return {
    cursor: () => after,
    async stop() {
      stopped = true;
      wake?.();
      socket?.destroy();
      await running;
    },
  };
}
