/**
 * A token bucket per API key: `ratePerSecond` tokens a second, at most `burst` saved
 * up. Two stores with one meaning: memory (one process) and Redis (every process
 * spends the same bucket, redis-key-rate-limit.ts), chosen by REDIS_URL like the
 * per-IP limits of http/.
 */
export type KeyRateLimiter = {
  /** Takes one token; resolves null when allowed, or the seconds to wait before the next token. */
  take(keyId: string, ratePerSecond: number, burst: number, nowMs: number): Promise<number | null>;
  /** 'memory' or 'redis', for logs and tests. */
  readonly kind: 'memory' | 'redis';
  close?(): Promise<void>;
};

/** Seconds until one token is back, never less than 1 (Retry-After is whole seconds). */
export const retryAfterSeconds = (tokens: number, rate: number) => Math.max(1, Math.ceil((1 - tokens) / rate));

export function createKeyRateLimiter(maxKeys = 50_000): KeyRateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    kind: 'memory',
    async take(keyId, rate, burst, now) {
      let b = buckets.get(keyId);
      if (!b) {
        // Bounded memory: forget the oldest bucket (it refills to full anyway after burst/rate seconds).
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
        b = { tokens: burst, at: now };
        buckets.set(keyId, b);
      }
      b.tokens = Math.min(burst, b.tokens + (Math.max(0, now - b.at) / 1000) * rate);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return null;
      }
      return retryAfterSeconds(b.tokens, rate);
    },
  };
}
