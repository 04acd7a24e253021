/**
 * The daily quota of each API key, driven by the call log: a key's calls since
 * midnight UTC are counted in audit.api_calls (the record an organization can
 * inspect), so what the portal shows and what the quota refuses are the same numbers.
 *
 * Counting the log on every request would cost an index scan per call, so each process
 * counts a key at most every `refreshMs` and adds the calls it let through since. Several
 * processes together may overshoot a quota by what they admit within one refresh; never
 * by more, and a new day starts from zero everywhere at once.
 */
export type KeyQuota = {
  /** Null when the call may go ahead (and is counted), else the seconds until the quota resets. */
  admit(key: { id: string; dailyQuota: number }, now: Date): Promise<number | null>;
};

export type CallCounter = (keyId: string, since: Date, cap: number) => Promise<number>;

const DAY_MS = 24 * 60 * 60 * 1000;

export const startOfUtcDay = (now: Date) => new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);

export function createKeyQuota(count: CallCounter, opts: { refreshMs?: number; maxKeys?: number } = {}): KeyQuota {
  const refreshMs = opts.refreshMs ?? 5_000;
  const maxKeys = opts.maxKeys ?? 50_000;
  const seen = new Map<string, { day: number; logged: number; countedAt: number; since: number }>();
  return {
    async admit(key, now) {
      const day = startOfUtcDay(now);
      let s = seen.get(key.id);
      if (!s || s.day !== day.getTime() || now.getTime() - s.countedAt >= refreshMs) {
        const logged = await count(key.id, day, key.dailyQuota);
        if (!s && seen.size >= maxKeys) seen.delete(seen.keys().next().value as string);
        s = { day: day.getTime(), logged, countedAt: now.getTime(), since: 0 };
        seen.set(key.id, s);
      }
      if (s.logged + s.since >= key.dailyQuota) return Math.max(1, Math.ceil((s.day + DAY_MS - now.getTime()) / 1000));
      s.since += 1;
      return null;
    },
  };
}
