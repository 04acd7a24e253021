import type { Readable, Writable } from 'node:stream';
import { AppError } from '../platform/errors.ts';

/**
 * Fails an upload whose client stops sending: after `ms` without a byte arriving, the
 * source is destroyed with UPLOAD_TIMEOUT. Time spent waiting on our own back-pressure
 * (bytes already buffered, the store or scanner being slow) does not count.
 */
export function guardIdleUpload(source: Readable, next: Writable, ms: number): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (source.isPaused() || source.readableLength > 0 || next.writableLength > 0 || next.writableNeedDrain)
        return arm();
      source.destroy(new AppError('UPLOAD_TIMEOUT'));
    }, ms);
    timer.unref();
  };
  source.on('data', arm);
  source.once('close', () => clearTimeout(timer));
  arm();
  return () => {
    clearTimeout(timer);
    source.off('data', arm);
  };
}
