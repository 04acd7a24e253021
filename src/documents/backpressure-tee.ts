import { Writable, type PassThrough } from 'node:stream';

/**
 * Copies every chunk into several streams (the encryptor and the virus scanner) and
 * asks for the next chunk only when all of them have room: the slowest reader sets the
 * pace, so nothing piles up in memory. A branch that fails can be detached and the
 * others go on.
 */
export class BackpressureTee extends Writable {
  private readonly waiting = new Map<PassThrough, () => void>();

  constructor(private readonly outputs: PassThrough[]) {
    super();
  }

  /** Stops feeding `output` (e.g. the scanner went away and the policy accepts unscanned files). */
  detach(output: PassThrough): void {
    const i = this.outputs.indexOf(output);
    if (i >= 0) this.outputs.splice(i, 1);
    this.waiting.get(output)?.();
    output.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    let pending = 0;
    const done = () => {
      if (--pending === 0) cb();
    };
    for (const out of [...this.outputs]) {
      if (out.write(chunk)) continue;
      pending++;
      const release = () => {
        out.off('drain', release);
        out.off('close', release);
        this.waiting.delete(out);
        done();
      };
      this.waiting.set(out, release);
      out.on('drain', release);
      out.on('close', release);
    }
    if (pending === 0) cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    for (const out of this.outputs) out.end();
    cb();
  }

  // Also called after a normal finish (autoDestroy): the outputs then keep their buffered bytes and end by themselves.
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (err) for (const out of this.outputs) out.destroy(err);
    cb(err);
  }
}
