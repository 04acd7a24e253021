import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import { parse, serialize } from 'pg-protocol';
import type pg from 'pg';

type ParseOptions = Parameters<typeof serialize.parse>[0];
type BindOptions = Parameters<typeof serialize.bind>[0];
type ExecuteOptions = Parameters<typeof serialize.execute>[0];
type PortalOptions = Parameters<typeof serialize.describe>[0];
type BackendMessage = Parameters<Parameters<typeof parse>[1]>[0];

/**
 * node-postgres's view of the embedded PGlite, as PGlite's own adapter
 * (`@electric-sql/pglite/node-postgres`) gives it, with one difference: messages
 * are handed to PGlite together. PGlite's adapter runs each protocol message as a
 * call of its own into WebAssembly (a prepared statement is four: bind, describe,
 * execute, sync), and each call runs the backend's loop and its bookkeeping again.
 * Here the messages of an extended-protocol exchange wait for the Sync (or Flush)
 * that ends it, and while the stream is corked (connection-pipeline.ts corks a
 * transaction's opening, its first statement and a one-read COMMIT) everything
 * waits for the uncork; then whatever complete exchanges are waiting when PGlite
 * is free go in one call (statements sent side by side in pipeline mode, say),
 * with the backend reading them in the order written, exactly as it reads a
 * socket. The encoding is pg-protocol's, and so is the decoding: PGlite hands back
 * the backend's raw bytes, which node-postgres's own parser reads as it reads a
 * socket. (PGlite's parser copies every field into a new buffer before decoding it,
 * about a third of a ten-row list's time in JavaScript, docs/performance.md.)
 */
export class BatchingPGliteConnection extends EventEmitter {
  /** Read by node-postgres. */
  _connecting = false;
  parsedStatements: Record<string, string> = {};
  submittedNamedStatements: Record<string, string> = {};
  readonly stream = {
    destroy: (): void => this.end(),
    cork: (): void => {
      this.#corked++;
    },
    uncork: (): void => {
      if (this.#corked > 0 && --this.#corked === 0) this.#release();
    },
  };

  readonly #pglite: PGlite;
  /** Messages written and not yet handed to PGlite, in order. */
  #out: Buffer[] = [];
  /** How many of #out end with a complete exchange; how many of those may go now (not corked). */
  #complete = 0;
  #releasable = 0;
  #drainQueued = false;
  #corked = 0;
  /** Every exchange runs after the one before: PGlite has one backend. */
  #chain: Promise<unknown>;
  /** node-postgres listens to 'message' only in some modes; PGlite's adapter emits it only then, and so do we. */
  #messageListeners = false;
  /** What the backend wrote, fed to the parser in order; a message split across two writes is joined by it. */
  readonly #backendBytes = new EventEmitter();

  constructor(pglite: PGlite) {
    super();
    this.#pglite = pglite;
    this.#chain = pglite.waitReady;
    this.on('newListener', (event) => {
      if (event === 'message') this.#messageListeners = true;
    });
    // pg-protocol's parse() reads 'data' events, the one thing it asks of a stream.
    void parse(this.#backendBytes as unknown as NodeJS.ReadableStream, (message) => this.#deliver(message));
  }

  async connect(): Promise<void> {
    this._connecting = true;
    await this.#pglite.waitReady;
    process.nextTick(() => this.emit('readyForQuery'));
  }

  // Startup, authentication, TLS and cancellation have no meaning in-process.
  requestSsl(): void {}
  startup(): void {}
  password(): void {}
  cancel(): void {}
  sendSASLInitialResponseMessage(): void {}
  sendSCRAMClientFinalMessage(): void {}
  ref(): void {}
  unref(): void {}

  query(text: string): void {
    this.#write(serialize.query(text), true);
  }
  parse(options: ParseOptions): void {
    this.#write(serialize.parse(options), false);
  }
  bind(options: BindOptions): void {
    this.#write(serialize.bind(options), false);
  }
  describe(options: PortalOptions): void {
    this.#write(serialize.describe(options), false);
  }
  execute(options: ExecuteOptions): void {
    this.#write(serialize.execute(options), false);
  }
  close(options: PortalOptions): void {
    this.#write(serialize.close(options), false);
  }
  flush(): void {
    this.#write(serialize.flush(), true);
  }
  sync(): void {
    this.#write(serialize.sync(), true);
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.#write(serialize.copyData(chunk), true);
  }
  endCopyFrom(): void {
    this.#write(serialize.copyDone(), true);
  }
  sendCopyFail(message: string): void {
    this.#write(serialize.copyFail(message), true);
  }

  end(): void {
    this.#out = [];
    this.#complete = 0;
    this.#releasable = 0;
    this.#corked = 0;
    this.#chain = this.#chain.then(() => this.emit('end'));
    for (const event of this.eventNames()) if (event !== 'newListener') this.removeAllListeners(event);
    this.#messageListeners = false;
  }

  /** `ends`: the message completes an exchange the backend answers (Sync, Query, Flush, copy data). */
  #write(message: Buffer, ends: boolean): void {
    this.#out.push(message);
    if (!ends) return;
    this.#complete = this.#out.length;
    if (this.#corked === 0) this.#release();
  }

  /** Lets the complete exchanges go with the next call, queued behind the one PGlite is running. */
  #release(): void {
    this.#releasable = this.#complete;
    if (this.#releasable === 0 || this.#drainQueued) return;
    this.#drainQueued = true;
    this.#chain = this.#chain.then(() => this.#drain()).catch((err: unknown) => this.emit('error', err));
  }

  async #drain(): Promise<void> {
    this.#drainQueued = false;
    const batch = this.#out.splice(0, this.#releasable);
    this.#complete -= this.#releasable;
    this.#releasable = 0;
    if (batch.length === 0) return;
    const input = batch.length === 1 ? batch[0]! : Buffer.concat(batch);
    // The bytes are a view of the engine's memory, valid during the callback only: copied, and read once the call is over.
    const written: Buffer[] = [];
    await this.#pglite.execProtocolRawStream(input, { onRawData: (bytes) => written.push(Buffer.from(bytes)) });
    for (const bytes of written) this.#backendBytes.emit('data', bytes);
  }

  #deliver(message: BackendMessage): void {
    if (this.#messageListeners) this.emit('message', message);
    this.emit(message.name === 'error' ? 'errorMessage' : message.name, message);
  }
}

/** A node-postgres pool configuration that reaches `pglite` through one batching connection. */
export function pglitePoolConfig(pglite: PGlite): pg.PoolConfig {
  const config = {
    user: 'postgres',
    password: 'dummy',
    database: 'postgres',
    host: 'localhost',
    port: 5432,
    connection: new BatchingPGliteConnection(pglite),
  };
  return config as pg.PoolConfig;
}
