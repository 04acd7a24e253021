import { randomBytes } from '../crypto-basics.ts';
import { createOutboxTransport, createSmtpTransport, type Outgoing, type Transport } from './transport.ts';

export type MailMessage = {
  /** A single bare address (`user@example.com`); anything else is refused. */
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** What the message is, for logs only, e.g. `auth.verify-email`. */
  kind: string;
};

export interface Mailer {
  /** Enqueues the message; never blocks, never throws. Problems are logged. */
  send(msg: MailMessage): void;
  /**
   * Resolves once nothing is queued, in flight or waiting for a retry, or when `timeoutMs`
   * (default 30 s) has passed; in the latter case a warning is logged. Never rejects.
   */
  flush(timeoutMs?: number): Promise<void>;
  /** Stops accepting messages, flushes (default 10 s), logs whatever is left as dropped, closes the transport. */
  close(timeoutMs?: number): Promise<void>;
}

/** The subset of pino's API used here; a pino logger fits. */
export interface MailLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RetryPolicy {
  /** Total attempts, including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface MailerOptions {
  /** `smtp://user:pass@host:587` or `smtps://user:pass@host:465`. Without it, messages go to the outbox. */
  smtpUrl?: string | undefined;
  outboxDir: string;
  /** Sender, `noreply@example.com` or `Chambers <noreply@example.com>`. */
  from: string;
  logger: MailLogger;
  retry?: RetryPolicy | undefined;
  /** Most messages held at once (queued, in flight, awaiting retry); beyond that new ones are dropped. */
  maxQueue?: number | undefined;
  /** Deliveries in flight at once. */
  concurrency?: number | undefined;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
});
export const DEFAULT_MAX_QUEUE = 10_000;
const DEFAULT_CONCURRENCY = 2;
const DEFAULT_FLUSH_MS = 30_000;
const DEFAULT_CLOSE_MS = 10_000;

interface Job {
  readonly mail: Outgoing;
  readonly kind: string;
  readonly domain: string;
  attempt: number;
}

// A single addr-spec: no display name, no list, no quoting, no whitespace or control characters.
// Stops a crafted address from adding recipients or headers.
// eslint-disable-next-line no-control-regex
const ADDRESS = /^[^\s\x00-\x1f\x7f@<>()[\]\\,;:"]+@[^\s\x00-\x1f\x7f@<>()[\]\\,;:"]+$/;

/** Only the domain of an address is logged: the full address is personal data. */
export function recipientDomain(address: string): string | undefined {
  if (address.length > 254 || !ADDRESS.test(address)) return undefined;
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) return undefined;
  return domain;
}

/** Exponential backoff with "equal jitter": a delay in [d/2, d], d = min(max, base·2^(n-1)). */
export function backoffDelay(failedAttempt: number, policy: RetryPolicy): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempt - 1));
  const unit = randomBytes(4).readUInt32BE(0) / 0x1_0000_0000;
  return Math.round(exp / 2 + (unit * exp) / 2);
}

/**
 * What may be logged about a delivery error. Never the message text: an SMTP reply can echo
 * the recipient address, and a composer error could quote content.
 */
function describeError(err: unknown): Record<string, unknown> {
  if (typeof err !== 'object' || err === null) return { type: typeof err };
  const e = err as { name?: unknown; code?: unknown; responseCode?: unknown; command?: unknown };
  const out: Record<string, unknown> = {};
  if (typeof e.name === 'string') out.type = e.name;
  if (typeof e.code === 'string') out.code = e.code;
  if (typeof e.responseCode === 'number') out.responseCode = e.responseCode;
  if (typeof e.command === 'string') out.command = e.command.split(' ')[0]; // e.g. `RCPT`, not `RCPT TO:<addr>`
  return out;
}

/** 5xx replies are permanent (RFC 5321 §4.2.1): retrying will not help. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export function createMailer(opts: MailerOptions): Mailer {
  const { logger } = opts;
  const retry = opts.retry ?? DEFAULT_RETRY;
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1)
    throw new Error('mail: retry.attempts must be an integer >= 1');
  if (!(retry.baseDelayMs >= 0) || !(retry.maxDelayMs >= retry.baseDelayMs)) {
    throw new Error('mail: retry delays must satisfy 0 <= baseDelayMs <= maxDelayMs');
  }
  const maxQueue = opts.maxQueue ?? DEFAULT_MAX_QUEUE;
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
  if (!/@[^\s@<>"]+>?\s*$/.test(opts.from)) throw new Error('mail: from must contain an address');

  let transport: Transport;
  if (opts.smtpUrl) {
    const smtp = createSmtpTransport(opts.smtpUrl, opts.from);
    transport = smtp;
    logger.info({ transport: 'smtp', host: smtp.host }, 'mail transport ready');
  } else {
    transport = createOutboxTransport(opts.outboxDir, opts.from);
    logger.info(
      { transport: 'outbox', dir: opts.outboxDir },
      'mail transport ready: messages are written to the outbox, not sent',
    );
  }

  const ready: Job[] = [];
  const waiting = new Map<Job, NodeJS.Timeout>(); // jobs sleeping before a retry
  let inFlight = 0;
  let accepting = true; // false once close() starts
  let stopped = false; // true once close() has given up on what is left
  let overflowed = 0;
  const idleWaiters = new Set<() => void>();

  const size = (): number => ready.length + waiting.size + inFlight;

  const logFields = (job: Job): Record<string, unknown> => ({
    mailId: job.mail.id,
    kind: job.kind,
    toDomain: job.domain,
  });

  const notifyIdle = (): void => {
    if (size() !== 0) return;
    for (const resolve of idleWaiters) resolve();
    idleWaiters.clear();
  };

  const pump = (): void => {
    while (!stopped && inFlight < concurrency && ready.length > 0) {
      const job = ready.shift()!;
      inFlight++;
      void attempt(job);
    }
  };

  const attempt = async (job: Job): Promise<void> => {
    job.attempt++;
    let failure: { err: unknown } | undefined;
    try {
      await transport.deliver(job.mail);
    } catch (err) {
      failure = { err };
    }
    // Logging stays outside the delivery try: a throwing logger must not turn a sent message into a retry.
    try {
      if (failure) onFailure(job, failure.err);
      else logger.info({ ...logFields(job), attempt: job.attempt, transport: transport.name }, 'mail delivered');
    } catch {
      // Nothing sensible left to do; the queue must keep going.
    } finally {
      inFlight--;
      pump();
      notifyIdle();
    }
  };

  const onFailure = (job: Job, err: unknown): void => {
    const fields = { ...logFields(job), attempt: job.attempt, error: describeError(err) };
    const reason = isPermanent(err)
      ? 'permanent-failure'
      : stopped
        ? 'shutdown'
        : job.attempt >= retry.attempts
          ? 'attempts-exhausted'
          : undefined;
    if (reason) {
      logger.error({ ...fields, reason }, 'mail dropped');
      return;
    }
    const delayMs = backoffDelay(job.attempt, retry);
    const timer = setTimeout(() => {
      waiting.delete(job);
      ready.push(job);
      pump();
    }, delayMs);
    // A pending retry alone does not keep the process alive; flush()/close() do while they wait.
    timer.unref();
    waiting.set(job, timer);
    logger.warn({ ...fields, retryInMs: delayMs }, 'mail delivery failed, will retry');
  };

  const send = (msg: MailMessage): void => {
    try {
      const kind = typeof msg?.kind === 'string' && msg.kind ? msg.kind.slice(0, 100) : 'unknown';
      if (!accepting) {
        logger.error({ kind, reason: 'closed' }, 'mail dropped: mailer is closed');
        return;
      }
      const domain = typeof msg.to === 'string' ? recipientDomain(msg.to) : undefined;
      if (domain === undefined) {
        logger.error({ kind, reason: 'invalid-recipient' }, 'mail dropped: recipient is not a single plain address');
        return;
      }
      if (
        typeof msg.subject !== 'string' ||
        typeof msg.text !== 'string' ||
        (msg.html !== undefined && typeof msg.html !== 'string')
      ) {
        logger.error(
          { kind, toDomain: domain, reason: 'invalid-message' },
          'mail dropped: subject, text and html must be strings',
        );
        return;
      }
      if (size() >= maxQueue) {
        overflowed++;
        logger.error(
          { kind, toDomain: domain, reason: 'queue-full', maxQueue, droppedSoFar: overflowed },
          'mail dropped: queue is full',
        );
        return;
      }
      const job: Job = {
        mail: {
          id: randomBytes(8).toString('hex'),
          createdAt: new Date(),
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          html: msg.html,
        },
        kind,
        domain,
        attempt: 0,
      };
      ready.push(job);
      logger.info(logFields(job), 'mail queued');
      // Deliveries start on a later tick: send() returns before any I/O.
      setImmediate(pump);
    } catch (err) {
      try {
        logger.error({ error: describeError(err) }, 'mail dropped: unexpected error while queueing');
      } catch {
        // A throwing logger must not make send() throw.
      }
    }
  };

  const flush = (timeoutMs = DEFAULT_FLUSH_MS): Promise<void> => {
    if (size() === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        idleWaiters.delete(done);
        logger.warn(
          { queued: ready.length, inFlight, awaitingRetry: waiting.size, timeoutMs },
          'mail flush timed out with messages still pending',
        );
        resolve();
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      idleWaiters.add(done);
    });
  };

  let closing: Promise<void> | undefined;
  const close = (timeoutMs = DEFAULT_CLOSE_MS): Promise<void> => (closing ??= shutdown(timeoutMs));

  const shutdown = async (timeoutMs: number): Promise<void> => {
    accepting = false;
    await flush(timeoutMs);
    stopped = true;
    for (const [job, timer] of waiting) {
      clearTimeout(timer);
      logger.error({ ...logFields(job), attempt: job.attempt, reason: 'shutdown' }, 'mail dropped');
    }
    waiting.clear();
    for (const job of ready.splice(0)) {
      logger.error({ ...logFields(job), attempt: job.attempt, reason: 'shutdown' }, 'mail dropped');
    }
    // Deliveries still in flight finish or fail on their own; failures are then logged as dropped.
    transport.close();
    notifyIdle();
  };

  return { send, flush, close };
}
