import { CompiledQuery } from 'kysely';
import { SESSION_EPOCH_READ, type Database, type MemberRole } from '../platform/db/index.ts';
import { FreshRead } from './fresh-read.ts';

/** One answer of chambers.authenticate_session (db/migrations/0020_session_liveness.sql). */
export type SessionCheckRow = {
  status: 'ok' | 'revoked' | 'expired' | 'idle';
  role: MemberRole | null;
  org_kind: 'firm' | 'court' | null;
  org_name: string | null;
  is_super_admin: boolean;
  email: string;
  name: string;
  aal: number;
  amr: string[];
  mfa_verified_at: Date | null;
  totp_enrolled: boolean;
  passkeys: number;
  expires_at: Date | null;
  last_seen_at: Date | null;
  idle_minutes: number | null;
  epoch: number;
};

type Entry = { sub: string; org: string | null; row: SessionCheckRow; epoch: number };

/** Enough for every live session of a large firm; past it the oldest answers are dropped (they are only re-read). */
const MAX_ENTRIES = 20_000;

/**
 * The per-process memory of live sessions. An entry is an "ok" answer of the full
 * check and the session epoch it was read under; it is used only while the epoch
 * in the database is still that one (read on every request: one row, no function,
 * no join), the session is not past its expiry and its last touch is recent enough
 * that no touch and no idle decision is due. Anything else runs the full check.
 * One cache per database handle, so two app instances in one test process behave
 * as two processes would.
 */
export class SessionLivenessCache {
  readonly #entries = new Map<string, Entry>();

  /** A cached answer for this token's session, if it may still be used at `now` without the full check. */
  candidate(claims: { sid: string; sub: string; org: string | null }, now: Date, touchEveryMs: number) {
    const e = this.#entries.get(claims.sid);
    if (!e || e.sub !== claims.sub || e.org !== claims.org) return null;
    const { expires_at: expiresAt, last_seen_at: seenAt } = e.row;
    if (!expiresAt || !seenAt || expiresAt.getTime() <= now.getTime()) return null;
    // A touch is due (or the idle limit may be near): the full check decides and writes it.
    if (now.getTime() - seenAt.getTime() > touchEveryMs) return null;
    return e;
  }

  remember(claims: { sid: string; sub: string; org: string | null }, row: SessionCheckRow): void {
    this.#entries.delete(claims.sid);
    if (row.status !== 'ok') return;
    if (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(claims.sid, { sub: claims.sub, org: claims.org, row, epoch: row.epoch });
  }

  forget(sid: string): void {
    this.#entries.delete(sid);
  }

  get size(): number {
    return this.#entries.size;
  }
}

const caches = new WeakMap<Database, SessionLivenessCache>();

export function sessionLivenessCache(db: Database): SessionLivenessCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new SessionLivenessCache();
    caches.set(db, cache);
  }
  return cache;
}

/** The counter every session-relevant change moves (see the migration); read by the runtime login, no transaction. */
async function sendEpochRead(db: Database): Promise<number> {
  // The parameter is there so the statement is prepared once per connection rather than planned per request.
  const { rows } = await db.app.executeQuery<{ value: number | string }>(CompiledQuery.raw(SESSION_EPOCH_READ, [true]));
  return Number(rows[0]?.value ?? Number.NaN);
}

const epochReads = new WeakMap<Database, FreshRead<number>>();
/** The embedded engine's last epoch read and the write generation it was asked at. */
const epochsAtGeneration = new WeakMap<Database, { generation: number; epoch: number }>();

/**
 * The session epoch as of a read sent after this call: concurrent requests share
 * one read (fresh-read.ts), each still seeing every change committed before it asked.
 *
 * On the embedded engine this process is the database's only client, and it counts
 * every statement that may write (Database.writeGeneration). A read asked at a
 * generation sees at least every write counted before it; while the generation has
 * not moved since, no write has been sent at all, so that answer is still the
 * epoch and no statement is needed.
 */
export function readSessionEpoch(db: Database): Promise<number> {
  const generation = db.writeGeneration?.();
  if (generation !== undefined) {
    const known = epochsAtGeneration.get(db);
    if (known?.generation === generation) return Promise.resolve(known.epoch);
  }
  let reader = epochReads.get(db);
  if (!reader) {
    reader = new FreshRead(() => sendEpochRead(db));
    epochReads.set(db, reader);
  }
  const read = reader.read();
  if (generation !== undefined)
    read.then(
      (epoch) => {
        const known = epochsAtGeneration.get(db);
        if (Number.isFinite(epoch) && (!known || known.generation <= generation))
          epochsAtGeneration.set(db, { generation, epoch });
      },
      () => undefined,
    );
  return read;
}
