/**
 * Timeouts, retries with backoff and a circuit breaker around provider calls. When the breaker is
 * open, or retries are spent, callers fall back to the local analyzer and say so in the response.
 */
import { ProviderError } from './provider.ts';

export type BreakerOptions = { failureThreshold: number; cooldownMs: number; now?: () => number };

/** Opens after `failureThreshold` consecutive failed calls; lets one trial call through after `cooldownMs`. */
export class CircuitBreaker {
  #failures = 0;
  #openUntil = 0;
  readonly #opts: Required<BreakerOptions>;
  constructor(opts: BreakerOptions) {
    this.#opts = { now: () => Date.now(), ...opts };
  }
  get open(): boolean {
    return this.#failures >= this.#opts.failureThreshold && this.#opts.now() < this.#openUntil;
  }
  success(): void {
    this.#failures = 0;
  }
  failure(): void {
    this.#failures++;
    if (this.#failures >= this.#opts.failureThreshold) this.#openUntil = this.#opts.now() + this.#opts.cooldownMs;
  }
}

export type RetryOptions = { timeoutMs: number; retries: number; baseDelayMs: number; maxDelayMs: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `attempt` with a per-attempt timeout, retrying retryable failures with jittered exponential backoff. */
export async function withResilience<T>(
  breaker: CircuitBreaker,
  opts: RetryOptions,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (breaker.open) throw new ProviderError('circuit open', false);
  let last: unknown;
  for (let i = 0; i <= opts.retries; i++) {
    const signal = AbortSignal.timeout(opts.timeoutMs);
    try {
      const out = await attempt(signal);
      breaker.success();
      return out;
    } catch (err) {
      last = err;
      const retryable = err instanceof ProviderError ? err.retryable : false;
      if (!retryable || i === opts.retries) break;
      const hinted = err instanceof ProviderError ? err.retryAfterMs : undefined;
      const backoff = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** i) * (0.5 + Math.random() / 2);
      await sleep(Math.min(opts.maxDelayMs, hinted ?? backoff));
    }
  }
  breaker.failure();
  throw last instanceof ProviderError ? last : new ProviderError('provider call failed', false);
}
