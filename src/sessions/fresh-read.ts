/**
 * Shares one read among callers that may all use it, and only them: a caller gets
 * the answer of a read *sent after it asked*, never of one already on its way. So
 * an answer is never older than the caller's own question — a change committed
 * before the question is in it — yet under load one read answers every caller that
 * asked while the previous one was out (at most one read in flight, one queued).
 *
 * This is what lets every request check the session epoch without a round trip of
 * its own, and without weakening "a revoked session is refused on the next request".
 */
export class FreshRead<T> {
  #inFlight: Promise<T> | null = null;
  #queued: Promise<T> | null = null;

  constructor(private readonly send: () => Promise<T>) {}

  read(): Promise<T> {
    if (this.#inFlight === null) return this.#start();
    // The read out now left before this question: wait for the next one, shared with
    // everyone else who asks before it leaves.
    this.#queued ??= this.#inFlight.then(
      () => this.#startQueued(),
      () => this.#startQueued(),
    );
    return this.#queued;
  }

  #startQueued(): Promise<T> {
    this.#queued = null;
    return this.#start();
  }

  #start(): Promise<T> {
    const sent = this.send();
    this.#inFlight = sent;
    const clear = () => {
      if (this.#inFlight === sent) this.#inFlight = null;
    };
    sent.then(clear, clear);
    return sent;
  }
}
