import net from 'node:net';
import type { Readable } from 'node:stream';

/**
 * Virus scanning through clamd's INSTREAM command over TCP: `zINSTREAM\0`, then
 * the content as chunks each prefixed by its 4-byte big-endian length, then a
 * zero length; clamd answers `stream: OK`, `stream: <signature> FOUND` or an
 * error such as `INSTREAM size limit exceeded. ERROR`, terminated by NUL.
 */
export type ScanResult = { status: 'clean' } | { status: 'infected'; signature: string };

export type Scanner = {
  scan(stream: Readable): Promise<ScanResult>;
  ping(): Promise<void>;
};

/** clamd cannot be reached or did not answer in time: the organization's policy decides what happens to the upload. */
export class ScannerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScannerUnavailableError';
  }
}

/** clamd answered but could not scan this content (e.g. larger than its StreamMaxLength). */
export class ScanRefusedError extends Error {
  constructor(
    readonly reason: 'size-limit' | 'error',
    readonly reply: string,
  ) {
    super(`clamd could not scan the content: ${reply.slice(0, 200)}`);
    this.name = 'ScanRefusedError';
  }
}

const MAX_FRAME = 64 * 1024;
const MAX_REPLY = 4096;

export function parseClamdReply(raw: string): ScanResult {
  const reply = raw.replace(/\0+$/, '').trim();
  if (reply === 'stream: OK') return { status: 'clean' };
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found?.[1]) return { status: 'infected', signature: found[1] };
  if (/size limit exceeded/i.test(reply)) throw new ScanRefusedError('size-limit', reply);
  throw new ScanRefusedError('error', reply);
}

/**
 * @example
 *   const scanner = createClamdScanner({ host: '127.0.0.1', port: 3310, timeoutMs: 30_000 });
 *   const verdict = await scanner.scan(fs.createReadStream(file));
 */
export function createClamdScanner(opts: { host: string; port: number; timeoutMs: number }): Scanner {
  return {
    async scan(stream) {
      const conn = await connect(opts);
      let framesSent = 0;
      try {
        conn.socket.write('zINSTREAM\0');
        for await (const data of stream) {
          const chunk = typeof data === 'string' ? Buffer.from(data) : (data as Buffer);
          for (let i = 0; i < chunk.length && !conn.replied(); i += MAX_FRAME) {
            const frame = chunk.subarray(i, i + MAX_FRAME);
            const length = Buffer.alloc(4);
            length.writeUInt32BE(frame.length);
            conn.socket.write(length);
            framesSent += 1;
            if (!conn.socket.write(frame)) await conn.drained();
          }
          // clamd answered before the end (size limit, error): stop sending, read its verdict.
          if (conn.replied()) break;
          conn.throwIfFailed();
        }
        if (!conn.replied()) conn.socket.write(Buffer.alloc(4));
        return parseClamdReply(await conn.reply());
      } catch (err) {
        // clamd accepted the stream and then hung up without a verdict we could read: it refused the
        // content (a reset after its size-limit reply can destroy the reply). Fail closed: never "unavailable",
        // or an oversized file could slip past a policy that accepts unscanned uploads.
        if (err instanceof ScannerUnavailableError && framesSent > 0 && conn.closedByPeer()) {
          throw new ScanRefusedError(
            'error',
            'clamd closed the connection mid-stream without a verdict (content over its StreamMaxLength?)',
          );
        }
        throw err;
      } finally {
        conn.socket.destroy();
        if (!stream.readableEnded) stream.destroy();
      }
    },

    async ping() {
      const conn = await connect(opts);
      try {
        conn.socket.write('zPING\0');
        const reply = (await conn.reply()).replace(/\0+$/, '').trim();
        if (reply !== 'PONG')
          throw new ScannerUnavailableError(`clamd answered PING with ${JSON.stringify(reply.slice(0, 50))}`);
      } finally {
        conn.socket.destroy();
      }
    },
  };
}

type Connection = {
  socket: net.Socket;
  replied(): boolean;
  throwIfFailed(): void;
  /** clamd reset or closed the connection (as opposed to going silent). */
  closedByPeer(): boolean;
  drained(): Promise<void>;
  reply(): Promise<string>;
};

/** One clamd connection; every wait on clamd (connect, drain, reply) is bounded by timeoutMs. */
function connect(opts: { host: string; port: number; timeoutMs: number }): Promise<Connection> {
  const where = `${opts.host}:${opts.port}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: opts.host, port: opts.port });
    const received: Buffer[] = [];
    let receivedBytes = 0;
    let ended = false;
    let failure: Error | null = null;
    const waiters = new Set<() => void>();
    const wake = () => {
      for (const w of waiters) w();
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ScannerUnavailableError(`clamd at ${where} did not accept a connection within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    socket.on('error', (err) => {
      failure = err;
      clearTimeout(timer);
      reject(
        new ScannerUnavailableError(
          `clamd at ${where} is unreachable: ${(err as NodeJS.ErrnoException).code ?? err.message}`,
        ),
      );
      wake();
    });
    socket.on('data', (chunk: Buffer) => {
      receivedBytes += chunk.length;
      if (receivedBytes <= MAX_REPLY) received.push(chunk);
      wake();
    });
    socket.on('close', () => {
      ended = true;
      wake();
    });
    socket.on('drain', wake);

    const waitFor = (done: () => boolean, what: string) =>
      new Promise<void>((res, rej) => {
        const check = () => {
          if (done()) finish(res);
          else if (failure)
            finish(() => rej(new ScannerUnavailableError(`clamd at ${where} failed: ${failure?.message}`)));
          else if (ended)
            finish(() => rej(new ScannerUnavailableError(`clamd at ${where} closed the connection without an answer`)));
        };
        const t = setTimeout(
          () =>
            finish(() =>
              rej(new ScannerUnavailableError(`clamd at ${where} did not ${what} within ${opts.timeoutMs} ms`)),
            ),
          opts.timeoutMs,
        );
        const finish = (fn: () => void) => {
          clearTimeout(t);
          waiters.delete(check);
          fn();
        };
        waiters.add(check);
        check();
      });

    const hasReply = () => received.some((b) => b.includes(0)) || receivedBytes > MAX_REPLY;

    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve({
        socket,
        replied: () => receivedBytes > 0,
        closedByPeer: () => failure !== null || ended,
        throwIfFailed: () => {
          if (failure) throw new ScannerUnavailableError(`clamd at ${where} failed: ${failure.message}`);
          if (ended) throw new ScannerUnavailableError(`clamd at ${where} closed the connection`);
        },
        drained: () => waitFor(() => !socket.writableNeedDrain || receivedBytes > 0, 'read the content'),
        reply: async () => {
          // A reply cut short by a close is still a reply (clamd closes after an error line).
          await waitFor(() => hasReply() || (ended && receivedBytes > 0), 'answer');
          return Buffer.concat(received).toString('utf8');
        },
      });
    });
  });
}
