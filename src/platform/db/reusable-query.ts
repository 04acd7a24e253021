import { CompiledQuery, type Compilable, type InferResult, type QueryResult } from 'kysely';

/** What runs a compiled statement: a Kysely instance or a transaction of one. */
type Executor = { executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> };

/** Marks a stand-in value; a NUL byte never reaches a real parameter of ours (PostgreSQL text refuses it). */
const MARK = '\u0000chambers-value:';

type Slot = { value: string } | { constant: unknown };

/**
 * A hot query that Kysely builds and compiles once per shape instead of on every
 * call (building and compiling is about a tenth of a list request's Node.js time,
 * docs/performance.md); later calls only put their values into the compiled
 * statement. `build` receives stand-ins for the values: it may place them in the
 * query, never compute with them or choose clauses by them — a parameter that only
 * contains a stand-in, or a stand-in in the SQL text, is refused when the shape is
 * first compiled. Which clauses the query has is the `shape` key the caller passes,
 * and `build` reads it from there alone. Nothing in the SQL text ever comes from a
 * value: every value stays a bound parameter, exactly as Kysely compiled it.
 *
 * @example
 *   const listDocs = reusableQuery((db, v: { matterId: string }) =>
 *     db.selectFrom('chambers.documents').selectAll().where('matter_id', '=', v.matterId));
 *   const rows = await listDocs(tx, { matterId }, 'default');
 */
export function reusableQuery<
  K extends Executor,
  V extends Record<string, unknown>,
  Q extends Compilable<unknown>,
  S extends string,
>(build: (db: K, values: V, shape: S) => Q): (db: K, values: V, shape: S) => Promise<InferResult<Q>> {
  const compiled = new Map<S, { sql: string; slots: Slot[] }>();
  return async (db, values, shape) => {
    let entry = compiled.get(shape);
    if (!entry) {
      // Each value read by `build` becomes a stand-in of its own, closed at both ends.
      const standIns = new Map<string, string>();
      const placeholders = new Proxy({} as V, {
        get: (_target, key) => {
          const standIn = `${MARK}${String(key)}\u0000`;
          standIns.set(standIn, String(key));
          return standIn;
        },
      });
      entry = compileShape(build(db, placeholders, shape), standIns);
      compiled.set(shape, entry);
    }
    const parameters = entry.slots.map((slot) => ('value' in slot ? values[slot.value] : slot.constant));
    const result = await db.executeQuery(CompiledQuery.raw(entry.sql, parameters));
    return result.rows as InferResult<Q>;
  };
}

function compileShape(query: Compilable<unknown>, standIns: Map<string, string>): { sql: string; slots: Slot[] } {
  const { sql, parameters } = query.compile();
  if (sql.includes(MARK)) throw new Error('reusableQuery: a value was written into the SQL text');
  const slots = parameters.map((p): Slot => {
    if (typeof p !== 'string') {
      if (containsStandIn(p)) throw new Error('reusableQuery: a value was placed inside a structured parameter');
      return { constant: p };
    }
    if (!p.includes(MARK)) return { constant: p };
    const key = standIns.get(p);
    if (key === undefined)
      throw new Error('reusableQuery: a parameter was computed from a value; compute it before the call');
    return { value: key };
  });
  return { sql, slots };
}

/** An array or object parameter (jsonb, a value list) that carries a stand-in somewhere inside. */
function containsStandIn(p: unknown): boolean {
  if (p === null || typeof p !== 'object' || p instanceof Date || Buffer.isBuffer(p)) return false;
  return JSON.stringify(p).includes(MARK.slice(1));
}
