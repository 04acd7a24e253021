import crypto from 'node:crypto';
import type pg from 'pg';

/**
 * The first line of every transaction-opening script (tenant.ts). A connection holds
 * such a script back and sends it in the same write as the transaction's first
 * statement: one round trip instead of two, with the order on the wire unchanged.
 */
export const DEFERRED_OPENING = '/* chambers: opening */';
/**
 * The first line of a read-only transaction's opening that runs exactly one
 * statement: its COMMIT goes in the same write too, so the whole transaction costs
 * one round trip. A second statement on it is refused, never run outside it.
 */
export const ONE_READ_OPENING = '/* chambers: opening, one read */';

/**
 * The session-epoch read (sessions/session-liveness.ts): a single-row SELECT of a
 * table, no function. It is the one statement outside a READ ONLY transaction that
 * the write count (WriteCount) knows cannot write, so reading the epoch does not
 * itself make the next request read it again.
 */
export const SESSION_EPOCH_READ = 'SELECT value FROM chambers.session_epoch WHERE singleton = $1';

/**
 * How many statements that may write a pool has sent. Counted when a statement is
 * handed to the connection, before it runs; every statement counts except the
 * session-epoch read and those of a one-read transaction, whose BEGIN READ ONLY
 * makes the server refuse any write. Used for the embedded engine only, where this
 * process is the database's only client (database.ts).
 */
export type WriteCount = { value: number };

/** What node-postgres answers for a statement that produced nothing; what Kysely reads of it. */
const NOTHING = Object.freeze({ command: 'SELECT', rowCount: 0, rows: [], fields: [] });

type QueryFn = (...args: unknown[]) => unknown;

/** Statement text → its prepared-statement name (bounded: past it, names are derived again, never wrong). */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `chambers_${crypto.createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;
    if (statementNames.size < 5_000) statementNames.set(text, name);
  }
  return name;
}

/**
 * Every parameterized statement becomes a named prepared statement of its
 * connection, so PostgreSQL parses and plans it once per connection instead of on
 * every request. Row-level security makes planning the dearest part of a tenant
 * query (each policy's subqueries are planned again), several times its execution
 * (docs/performance.md). The name is a hash of the text, so one name never means
 * two statements; the plan cache itself re-plans after DDL and per role.
 */
function preparePerConnection(plain: QueryFn): QueryFn {
  return (...args) => {
    const [text, values, callback] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined)
      return plain({ name: statementName(text), text, values });
    return plain(...args);
  };
}

/**
 * Holds a transaction's opening script back until the transaction's first statement
 * and writes both at once (the client runs in node-postgres's pipeline mode, so the
 * second is sent without waiting for the first's answer). The server still runs
 * them in order: the settings are in force before the first statement runs, and if
 * the opening fails the statement fails with it ("current transaction is aborted").
 * A transaction that ends before any statement was never begun: its COMMIT or
 * ROLLBACK is not sent either. A one-read opening (ONE_READ_OPENING) sends its
 * COMMIT along as well. An opening with parameters is BEGIN, "; ", then the settings
 * statement the parameters belong to: the two go as two statements, the settings
 * prepared like any other, so the server does not parse and plan them every time.
 */
function deferOpenings(
  client: pg.PoolClient,
  sendAny: QueryFn,
  writes: WriteCount,
): { query: QueryFn; forget: () => void } {
  /** Sends a statement that may write: counted before it leaves. */
  const send: QueryFn = (...args) => {
    if (args[0] !== SESSION_EPOCH_READ) writes.value++;
    return sendAny(...args);
  };
  let held: { opening: string; values: unknown[]; oneRead: boolean } | null = null;
  /** A one-read transaction whose COMMIT already went out: only its COMMIT or ROLLBACK may follow. */
  let committedAhead = false;
  const query: QueryFn = (...args) => {
    const [text, values, callback] = args;
    if (typeof text !== 'string' || callback !== undefined) return send(...args);
    if (committedAhead) {
      committedAhead = false;
      if (text === 'COMMIT' || text === 'ROLLBACK') return Promise.resolve(NOTHING);
      return Promise.reject(new Error('a one-read transaction ran a second statement'));
    }
    if (text.startsWith(DEFERRED_OPENING) || text.startsWith(ONE_READ_OPENING)) {
      if (held !== null) throw new Error('a transaction was opened twice on one connection');
      held = { opening: text, values: Array.isArray(values) ? values : [], oneRead: text.startsWith(ONE_READ_OPENING) };
      return Promise.resolve(NOTHING);
    }
    if (held === null) return send(...args);
    const { opening, values: openingValues, oneRead } = held;
    held = null;
    if (text === 'COMMIT' || text === 'ROLLBACK') return Promise.resolve(NOTHING);
    // On PostgreSQL the socket, on PGlite the batching connection (pglite-connection.ts): corked, the
    // messages below leave in one write, or one call.
    const stream = client.connection.stream as Partial<Pick<typeof client.connection.stream, 'cork' | 'uncork'>>;
    stream.cork?.();
    const answers: Array<Promise<unknown>> = [];
    let statement: Promise<unknown> | undefined;
    try {
      // A one-read transaction cannot write (its opening is BEGIN READ ONLY): it is not counted.
      const sendHeld = oneRead && opening.startsWith(`${ONE_READ_OPENING} BEGIN READ ONLY;`) ? sendAny : send;
      const cut = opening.indexOf('; ');
      if (openingValues.length > 0 && cut > 0)
        answers.push(
          sendHeld(opening.slice(0, cut)) as Promise<unknown>,
          sendHeld(opening.slice(cut + 2), openingValues) as Promise<unknown>,
        );
      else answers.push(sendHeld(opening) as Promise<unknown>);
      statement = sendHeld(...args) as Promise<unknown>;
      answers.push(statement);
      if (oneRead) {
        answers.push(sendHeld('COMMIT') as Promise<unknown>);
        committedAhead = true;
      }
    } finally {
      stream.uncork?.();
    }
    // Everything is answered in order; the first failure is the one to report (the opening's
    // before the statement's, which is only its consequence), the statement's result the answer.
    for (const a of answers) a.catch(() => undefined);
    return answers.reduce((prev, next) => prev.then(() => next)).then(() => statement);
  };
  return {
    query,
    forget: () => {
      held = null;
      committedAhead = false;
    },
  };
}

/**
 * Fits every client `pool` connects with prepared statements and deferred openings.
 * Both engines' pools run in pipeline mode, so the held-back messages leave together.
 */
export function tunePool(pool: pg.Pool, writes: WriteCount = { value: 0 }): void {
  const forgetters = new WeakMap<pg.PoolClient, () => void>();
  pool.on('connect', (client) => {
    const plain = client.query.bind(client) as QueryFn;
    const { query, forget } = deferOpenings(client, preparePerConnection(plain), writes);
    client.query = query as typeof client.query;
    forgetters.set(client, forget);
  });
  // A client goes back only after COMMIT or ROLLBACK; should one ever go back holding
  // an opening, the next borrower must not inherit it.
  pool.on('release', (_err, client) => forgetters.get(client)?.());
}
