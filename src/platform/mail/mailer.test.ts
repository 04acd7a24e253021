import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerAddress, type SMTPServerOptions } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMailer, recipientDomain, type MailLogger, type Mailer, type MailMessage } from './index.ts';
import { backoffDelay } from './mailer.ts';

// A pino logger must be accepted where a MailLogger is expected.
type _PinoFits = Logger extends MailLogger ? true : never;
const _pinoFits: _PinoFits = true;
void _pinoFits;

type LogEntry = { level: 'info' | 'warn' | 'error'; obj: Record<string, unknown>; msg: string | undefined };

function captureLogger(): { logger: MailLogger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg?: string): void => {
      // Round-trip through JSON like a real log line would be.
      entries.push({ level, obj: JSON.parse(JSON.stringify(obj)) as Record<string, unknown>, msg });
    };
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, entries };
}

type Received = { raw: string; envelopeTo: string[]; user: string | undefined };

async function startSmtp(extra: Partial<SMTPServerOptions> = {}): Promise<{
  server: SMTPServer;
  port: number;
  received: Received[];
  close: () => Promise<void>;
}> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'mailer' && auth.password === 's3cret:pw') cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          envelopeTo: session.envelope.rcptTo.map((a: SMTPServerAddress) => a.address),
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        cb();
      });
    },
    ...extra,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as net.AddressInfo).port;
  return { server, port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A port on which nothing listens. */
async function deadPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Minimal RFC 5322 split: unfolded headers (lower-cased names) and the body. */
function parseMessage(raw: string): { headers: Map<string, string[]>; body: string } {
  const sep = raw.indexOf('\r\n\r\n');
  expect(sep).toBeGreaterThan(0);
  const head = raw.slice(0, sep).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string[]>();
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    expect(i).toBeGreaterThan(0);
    const name = line.slice(0, i).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(i + 1).trim()]);
  }
  return { headers, body: raw.slice(sep + 4) };
}

const header = (m: { headers: Map<string, string[]> }, name: string): string | undefined => m.headers.get(name)?.[0];

const SECRET_CODE = '493017';
const message = (over: Partial<MailMessage> = {}): MailMessage => ({
  to: 'alice.private@example.org',
  subject: `Your sign-in code ${SECRET_CODE}`,
  text: `Enter ${SECRET_CODE} to verify your address.`,
  html: `<p>Enter <b>${SECRET_CODE}</b> to verify your address.</p>`,
  kind: 'auth.verify-email',
  ...over,
});

/** Nothing personal or secret may reach the logs. */
function expectCleanLogs(entries: LogEntry[]): void {
  const all = JSON.stringify(entries);
  expect(all).not.toContain(SECRET_CODE);
  expect(all).not.toContain('sign-in code');
  expect(all).not.toContain('verify your address');
  expect(all).not.toContain('alice.private');
  expect(all).not.toContain('s3cret');
}

const FAST_RETRY = { attempts: 5, baseDelayMs: 10, maxDelayMs: 40 };
const FROM = 'Chambers <noreply@chambers.test>';

describe('mailer over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;
  let mailer: Mailer | undefined;

  afterEach(async () => {
    await mailer?.close(2_000);
    await smtp?.close();
    mailer = undefined;
    smtp = undefined;
  });

  it('delivers a message with the right To, Subject and body, authenticating with the URL credentials', async () => {
    smtp = await startSmtp();
    const { logger, entries } = captureLogger();
    mailer = createMailer({
      smtpUrl: `smtp://mailer:${encodeURIComponent('s3cret:pw')}@127.0.0.1:${smtp.port}`,
      outboxDir: '/nonexistent',
      from: FROM,
      logger,
      retry: FAST_RETRY,
    });
    mailer.send(message());
    await mailer.flush(5_000);

    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0]!;
    expect(got.user).toBe('mailer');
    expect(got.envelopeTo).toEqual(['alice.private@example.org']);
    const parsed = parseMessage(got.raw);
    expect(header(parsed, 'to')).toBe('alice.private@example.org');
    expect(header(parsed, 'subject')).toBe(`Your sign-in code ${SECRET_CODE}`);
    expect(header(parsed, 'from')).toBe('Chambers <noreply@chambers.test>');
    expect(header(parsed, 'auto-submitted')).toBe('auto-generated');
    expect(header(parsed, 'content-type')).toMatch(/^multipart\/alternative/);
    expect(parsed.body).toContain(`Enter ${SECRET_CODE} to verify your address.`);
    expect(parsed.body).toContain(`<b>${SECRET_CODE}</b>`);

    const delivered = entries.find((e) => e.msg === 'mail delivered');
    expect(delivered?.obj).toMatchObject({
      kind: 'auth.verify-email',
      toDomain: 'example.org',
      attempt: 1,
      transport: 'smtp',
    });
    expect(header(parsed, 'message-id')).toBe(`<${String(delivered?.obj.mailId)}@chambers.test>`);
    expectCleanLogs(entries);
  });

  it('honours requireTLS from the URL: no clear-text delivery when the server offers no STARTTLS', async () => {
    smtp = await startSmtp();
    const { logger, entries } = captureLogger();
    mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}?requireTLS=true`,
      outboxDir: '/nonexistent',
      from: FROM,
      logger,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    mailer.send(message());
    await mailer.flush(5_000);
    expect(smtp.received).toHaveLength(0);
    // The server answers STARTTLS with a 5xx: a configuration problem, not worth retrying.
    expect(entries.find((e) => e.msg === 'mail dropped')?.obj).toMatchObject({
      reason: 'permanent-failure',
      error: { command: 'STARTTLS' },
    });
    expectCleanLogs(entries);
  });

  it('retries with backoff after temporary rejections and delivers on a later attempt', async () => {
    let rcptCalls = 0;
    smtp = await startSmtp({
      onRcptTo(_address, _session, cb) {
        rcptCalls++;
        if (rcptCalls <= 2) cb(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        else cb();
      },
    });
    const { logger, entries } = captureLogger();
    mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      outboxDir: '/nonexistent',
      from: FROM,
      logger,
      retry: FAST_RETRY,
    });
    mailer.send(message());
    await mailer.flush(5_000);

    expect(rcptCalls).toBe(3);
    expect(smtp.received).toHaveLength(1);
    expect(parseMessage(smtp.received[0]!.raw).body).toContain(SECRET_CODE);
    const retries = entries.filter((e) => e.level === 'warn');
    expect(retries).toHaveLength(2);
    expect(retries[0]?.obj).toMatchObject({
      kind: 'auth.verify-email',
      toDomain: 'example.org',
      attempt: 1,
      error: { responseCode: 451 },
    });
    expect(entries.find((e) => e.msg === 'mail delivered')?.obj).toMatchObject({ attempt: 3 });
    expect(entries.some((e) => e.msg === 'mail dropped')).toBe(false);
    expectCleanLogs(entries);
  });

  it('drops a permanently rejected message without retrying', async () => {
    let rcptCalls = 0;
    smtp = await startSmtp({
      onRcptTo(address, _session, cb) {
        rcptCalls++;
        cb(Object.assign(new Error(`<${address.address}>: no such user`), { responseCode: 550 }));
      },
    });
    const { logger, entries } = captureLogger();
    mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      outboxDir: '/nonexistent',
      from: FROM,
      logger,
      retry: FAST_RETRY,
    });
    mailer.send(message());
    await mailer.flush(5_000);

    expect(rcptCalls).toBe(1);
    expect(smtp.received).toHaveLength(0);
    const dropped = entries.find((e) => e.msg === 'mail dropped');
    expect(dropped?.level).toBe('error');
    expect(dropped?.obj).toMatchObject({
      reason: 'permanent-failure',
      toDomain: 'example.org',
      error: { responseCode: 550 },
    });
    // The server's reply echoed the address; it must not reach the log.
    expectCleanLogs(entries);
  });

  it('send() returns at once while the server is down; the message is dropped after the last attempt', async () => {
    const port = await deadPort();
    const { logger, entries } = captureLogger();
    mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      outboxDir: '/nonexistent',
      from: FROM,
      logger,
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    });
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) mailer.send(message());
    expect(performance.now() - t0).toBeLessThan(100);
    // Nothing has been attempted yet: send() did no I/O.
    expect(entries.filter((e) => e.level !== 'info')).toHaveLength(0);

    await mailer.flush(10_000);
    const dropped = entries.filter((e) => e.msg === 'mail dropped');
    expect(dropped).toHaveLength(20);
    expect(dropped[0]?.obj).toMatchObject({ reason: 'attempts-exhausted', attempt: 3, error: { code: 'ESOCKET' } });
    expect(entries.filter((e) => e.level === 'warn')).toHaveLength(40);
    expectCleanLogs(entries);
  });

  it('bounds the queue and logs overflow; close() logs what it leaves behind', async () => {
    const port = await deadPort();
    const { logger, entries } = captureLogger();
    mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      outboxDir: '/nonexistent',
      from: FROM,
      logger,
      maxQueue: 3,
      retry: { attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    for (let i = 0; i < 5; i++) mailer.send(message());
    const overflow = entries.filter((e) => e.obj.reason === 'queue-full');
    expect(overflow).toHaveLength(2);
    expect(overflow[1]?.obj).toMatchObject({ maxQueue: 3, droppedSoFar: 2, toDomain: 'example.org' });

    await mailer.close(300);
    mailer.send(message());
    const shutdownDrops = entries.filter((e) => e.obj.reason === 'shutdown');
    expect(shutdownDrops).toHaveLength(3);
    expect(entries.some((e) => e.obj.reason === 'closed')).toBe(true);
    expect(entries.some((e) => e.msg === 'mail flush timed out with messages still pending')).toBe(true);
    expectCleanLogs(entries);
  });
});

describe('mailer outbox', () => {
  let dir: string;
  let mailer: Mailer | undefined;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'chambers-mail-'));
  });
  afterEach(async () => {
    await mailer?.close(2_000);
    mailer = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes each message as a parseable .eml file, 0600 in a 0700 directory', async () => {
    const outboxDir = path.join(dir, 'outbox');
    const { logger, entries } = captureLogger();
    mailer = createMailer({ outboxDir, from: FROM, logger, retry: FAST_RETRY });
    mailer.send(message({ html: undefined }));
    mailer.send(
      message({
        to: 'bob@Example.COM',
        subject: 'Grüße — second',
        text: 'Zweite Nachricht ✓',
        html: undefined,
        kind: 'matter.invite',
      }),
    );
    await mailer.flush(5_000);

    expect((await fs.stat(outboxDir)).mode & 0o777).toBe(0o700);
    const files = (await fs.readdir(outboxDir)).sort();
    expect(files).toHaveLength(2);
    for (const f of files) {
      expect(f).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{16}\.eml$/);
      expect((await fs.stat(path.join(outboxDir, f))).mode & 0o777).toBe(0o600);
    }

    // Both were queued in the same millisecond, so find each file by its recipient.
    const contents = await Promise.all(files.map((f) => fs.readFile(path.join(outboxDir, f), 'utf8')));
    const firstIdx = contents.findIndex((c) => c.includes('\r\nTo: alice.private@example.org\r\n'));
    expect(firstIdx).toBeGreaterThanOrEqual(0);
    const first = contents[firstIdx]!;
    const firstName = files[firstIdx]!;
    expect(first).toMatch(/\r\n/);
    const m1 = parseMessage(first);
    expect(header(m1, 'to')).toBe('alice.private@example.org');
    expect(header(m1, 'from')).toBe('Chambers <noreply@chambers.test>');
    expect(header(m1, 'subject')).toBe(`Your sign-in code ${SECRET_CODE}`);
    expect(header(m1, 'mime-version')).toBe('1.0');
    expect(header(m1, 'content-type')).toMatch(/^text\/plain/);
    expect(Date.parse(header(m1, 'date') ?? '')).not.toBeNaN();
    const id = firstName.slice(firstName.indexOf('-') + 1, -'.eml'.length);
    expect(header(m1, 'message-id')).toBe(`<${id}@chambers.test>`);
    expect(m1.body).toContain(`Enter ${SECRET_CODE} to verify your address.`);

    // Non-ASCII is MIME-encoded by nodemailer, not written raw.
    const m2 = parseMessage(contents[1 - firstIdx]!);
    expect(header(m2, 'to')).toBe('bob@example.com'); // nodemailer normalises the domain
    expect(header(m2, 'subject')).toMatch(/^=\?UTF-8\?[QB]\?/);
    expect(header(m2, 'content-transfer-encoding')).toBe('quoted-printable');

    expect(
      entries
        .filter((e) => e.msg === 'mail delivered')
        .map((e) => e.obj.toDomain)
        .sort(),
    ).toEqual(['example.com', 'example.org']);
    expectCleanLogs(entries);
  });

  it('tightens an existing outbox directory that is too open', async () => {
    await fs.chmod(dir, 0o755);
    const { logger } = captureLogger();
    mailer = createMailer({ outboxDir: dir, from: FROM, logger, retry: FAST_RETRY });
    mailer.send(message());
    await mailer.flush(5_000);
    expect((await fs.stat(dir)).mode & 0o777).toBe(0o700);
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
  });

  it('refuses recipient lists and header injection, and keeps newlines out of headers', async () => {
    const { logger, entries } = captureLogger();
    mailer = createMailer({ outboxDir: dir, from: FROM, logger, retry: FAST_RETRY });
    mailer.send(message({ to: 'alice.private@example.org, mallory@evil.test' }));
    mailer.send(message({ to: 'alice.private@example.org\r\nBcc: mallory@evil.test' }));
    mailer.send(message({ to: 'Alice <alice.private@example.org>' }));
    mailer.send(message({ subject: 'Hello\r\nBcc: mallory@evil.test' }));
    await mailer.flush(5_000);

    expect(entries.filter((e) => e.obj.reason === 'invalid-recipient')).toHaveLength(3);
    const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const m = parseMessage(await fs.readFile(path.join(dir, files[0]!), 'utf8'));
    expect(m.headers.has('bcc')).toBe(false);
    expect(header(m, 'subject')).toBe('Hello Bcc: mallory@evil.test');
    expectCleanLogs(entries);
  });

  it('retries a failed write and delivers once the directory becomes usable', async () => {
    const outboxDir = path.join(dir, 'blocked');
    await fs.writeFile(outboxDir, 'not a directory');
    const { logger, entries } = captureLogger();
    mailer = createMailer({ outboxDir, from: FROM, logger, retry: { attempts: 10, baseDelayMs: 20, maxDelayMs: 20 } });
    mailer.send(message());
    await expect.poll(() => entries.filter((e) => e.level === 'warn').length).toBeGreaterThan(0);
    await fs.rm(outboxDir);
    await mailer.flush(5_000);
    expect((await fs.readdir(outboxDir)).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    expect(entries.some((e) => e.msg === 'mail delivered')).toBe(true);
    expectCleanLogs(entries);
  });
});

describe('helpers', () => {
  it('recipientDomain accepts one plain address only', () => {
    expect(recipientDomain('a.b+tag@Sub.Example.org')).toBe('sub.example.org');
    for (const bad of [
      '',
      'a',
      'a@',
      '@b',
      'a@b@c',
      'a b@c',
      'a@b,c@d',
      '<a@b>',
      'a@b\n',
      'a@.b',
      'a@b..c',
      `${'x'.repeat(251)}@b.c`,
    ]) {
      expect(recipientDomain(bad)).toBeUndefined();
    }
  });

  it('backoffDelay grows exponentially with jitter, capped', () => {
    const p = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 };
    for (let i = 0; i < 50; i++) {
      const d1 = backoffDelay(1, p);
      expect(d1).toBeGreaterThanOrEqual(500);
      expect(d1).toBeLessThanOrEqual(1_000);
      const d4 = backoffDelay(4, p);
      expect(d4).toBeGreaterThanOrEqual(4_000);
      expect(d4).toBeLessThanOrEqual(8_000);
      const d20 = backoffDelay(20, p);
      expect(d20).toBeGreaterThanOrEqual(30_000);
      expect(d20).toBeLessThanOrEqual(60_000);
    }
  });
});
