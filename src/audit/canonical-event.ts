/**
 * The leaf bytes of an audit event: its canonical JSON. Keys sorted (by UTF-16
 * code unit, recursively), no whitespace, `at` as an ISO-8601 UTC timestamp with
 * microseconds (the database's own precision, so no edit hides below the
 * millisecond). Pure and dependency-free: the offline verifier uses it too.
 */

/** The fields of a sealed event that the Merkle leaf commits to. */
export type SealedEventFields = {
  seq: number;
  at: string;
  orgId: string | null;
  actorId: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  userAgent: string | null;
  outcome: string;
  requestId: string | null;
  details: unknown;
};

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** JSON with sorted keys and no whitespace; undefined members are dropped, non-finite numbers refused. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no representation for a non-finite number');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON has no representation for a ${typeof value}`);
  }
}

/** A top-level member `"key":value`, or '' when the value is undefined (canonicalJson drops those). */
const member = (key: string, v: unknown, first: boolean): string => {
  if (v === undefined) return '';
  const text = typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : canonicalJson(v);
  return `${first ? '' : ','}"${key}":${text}`;
};

/**
 * The canonical JSON text of an event (exactly the fields of SealedEventFields).
 * The same text as canonicalJson of those fields, with the top-level keys written
 * in their sorted order directly (the offline verifier's hot path).
 */
export function canonicalEventJson(e: SealedEventFields): string {
  const out =
    member('action', e.action, true) +
    member('actorId', e.actorId, false) +
    member('at', e.at, false) +
    member('details', e.details ?? {}, false) +
    member('ip', e.ip, false) +
    member('orgId', e.orgId, false) +
    member('outcome', e.outcome, false) +
    member('requestId', e.requestId, false) +
    member('seq', e.seq, false) +
    member('target', e.target, false) +
    member('userAgent', e.userAgent, false);
  // `action` may be absent from a hostile bundle: drop a leading comma as canonicalJson would.
  return `{${out.startsWith(',') ? out.slice(1) : out}}`;
}

/** The leaf bytes (UTF-8 of the canonical JSON). */
export function canonicalEventBytes(e: SealedEventFields): Buffer {
  return Buffer.from(canonicalEventJson(e), 'utf8');
}
