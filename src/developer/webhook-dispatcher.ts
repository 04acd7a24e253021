import type { AppContext } from '../context/index.ts';
import { openSecret, SECRET_PURPOSE } from '../crypto/index.ts';
import { startPeriodicJob } from '../platform/jobs/index.ts';
import { safeFetch, SsrfError, type Resolver } from '../platform/outbound/index.ts';
import {
  type DueDelivery,
  unsafeFanOutEvents,
  unsafeLeaseDueDeliveries,
  unsafeLiveSecrets,
  unsafeRecordAttempt,
} from './outbox.repository.ts';
import { signedHeaders } from './webhook-signing.ts';

/** After this long failing without a single success, an endpoint is disabled and its owner mailed. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 60 * 60 * 1000;
/** Attempts per delivery: with the default 5 s base and the 10 h cap this spans a little over 5 days. */
export const MAX_ATTEMPTS = 24;
const MAX_DELAY_MS = 10 * 60 * 60 * 1000;
const ATTEMPT_TIMEOUT_MS = 10_000;
const BATCH = 20;

type DispatcherCtx = Pick<AppContext, 'db' | 'clock' | 'keys' | 'logger' | 'mailer' | 'config' | 'audit'>;

/**
 * Exponential backoff with jitter: base × 2^(attempt−1), capped at 10 h, then a random
 * 50–100 % of that, so receivers coming back up are not hit by every sender at once.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exp = Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(exp * (0.5 + random() * 0.5));
}

export type WebhookDispatcher = { runOnce(): Promise<void> };

/**
 * Delivers the outbox: fans new events out to deliveries, leases the due ones, posts
 * each through the SSRF guard (every redirect hop re-checked), and records the attempt.
 * 2xx: delivered. 410 Gone: the endpoint is disabled. Anything else (or no answer):
 * retried with backoff; an endpoint failing for 5 days is disabled and its owner mailed.
 */
export function createWebhookDispatcher(ctx: DispatcherCtx, opts: { resolve?: Resolver } = {}): WebhookDispatcher {
  const policy = { allowHosts: ctx.config.ssrfAllowHosts, ...(opts.resolve ? { resolve: opts.resolve } : {}) };

  async function attempt(d: DueDelivery): Promise<void> {
    const started = ctx.clock.now();
    const body = JSON.stringify({ type: d.event_type, timestamp: new Date(d.event_at).toISOString(), data: d.data });
    let responseStatus: number | null = null;
    let error: string | null = null;
    try {
      const secrets = (await unsafeLiveSecrets(ctx.db, d.endpoint_id, started)).map((s) =>
        openSecret(ctx.keys.masterKey, SECRET_PURPOSE.outboundWebhook, s.sealed, s.id),
      );
      const res = await safeFetch(d.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signedHeaders(secrets, d.event_id, started, body) },
        body,
        maxRedirects: 3,
        maxBytes: 64 * 1024,
        timeoutMs: ATTEMPT_TIMEOUT_MS,
        policy,
      });
      responseStatus = res.status;
    } catch (err) {
      // The guard's code (SSRF_ADDRESS_FORBIDDEN, SSRF_TIMEOUT, …) says why nothing was delivered; never a stack.
      error = err instanceof SsrfError ? err.code : 'SEND_FAILED';
      if (!(err instanceof SsrfError))
        ctx.logger.warn({ err: { message: (err as Error).message }, delivery: d.id }, 'webhook attempt failed');
    }
    const at = ctx.clock.now();
    const n = d.attempts + 1;
    const ok = responseStatus !== null && responseStatus >= 200 && responseStatus < 300;
    const gone = responseStatus === 410;
    const failingFor = d.failing_since ? at.getTime() - new Date(d.failing_since).getTime() : 0;
    const giveUp = gone || n >= MAX_ATTEMPTS || failingFor >= DISABLE_AFTER_FAILING_MS;
    const disabled = await unsafeRecordAttempt(ctx.db, {
      deliveryId: d.id,
      orgId: d.org_id,
      endpointId: d.endpoint_id,
      attempt: n,
      at,
      responseStatus,
      error,
      durationMs: at.getTime() - started.getTime(),
      status: ok ? 'delivered' : giveUp ? 'failed' : 'retrying',
      nextAttemptAt:
        ok || giveUp ? null : new Date(at.getTime() + retryDelayMs(n, ctx.config.webhookDispatch.retryBaseMs)),
      endpoint: ok
        ? { kind: 'ok' }
        : gone
          ? { kind: 'disable', reason: 'gone' }
          : failingFor >= DISABLE_AFTER_FAILING_MS
            ? { kind: 'disable', reason: 'failing' }
            : { kind: 'failing' },
    });
    if (!ok && giveUp)
      await ctx.audit.record({
        action: 'webhook.delivery_failed',
        outcome: 'failure',
        orgId: d.org_id,
        actorId: null,
        target: d.endpoint_id,
        details: { ...(responseStatus !== null ? { status: responseStatus } : {}), attempts: n },
      });
    if (disabled && !gone) {
      for (const to of disabled.recipients)
        ctx.mailer.send({
          to,
          subject: 'Chambers stopped sending to a webhook endpoint',
          text:
            `Deliveries to ${disabled.url} have failed for 5 days, so Chambers has disabled this endpoint.\n` +
            'Fix the receiver, then create the endpoint again in the developer portal.\n',
          kind: 'developer.webhook-disabled',
        });
    }
  }

  return {
    async runOnce() {
      const now = ctx.clock.now();
      await unsafeFanOutEvents(ctx.db, now);
      const leaseUntil = new Date(now.getTime() + ATTEMPT_TIMEOUT_MS * 6);
      const due = await unsafeLeaseDueDeliveries(ctx.db, now, leaseUntil, BATCH);
      // In parallel: one receiver that hangs until its timeout does not hold up the others.
      await Promise.all(due.map((d) => attempt(d)));
    },
  };
}

/** Runs the dispatcher every WEBHOOK_DISPATCH_MS in this process. Returns the stop function. */
export function startWebhookDispatcher(ctx: DispatcherCtx): () => Promise<void> {
  const dispatcher = createWebhookDispatcher(ctx);
  const job = startPeriodicJob({
    name: 'webhook-dispatch',
    everyMs: ctx.config.webhookDispatch.intervalMs,
    logger: ctx.logger,
    run: () => dispatcher.runOnce(),
  });
  return () => job.stop();
}
