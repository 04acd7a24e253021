import crypto from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../platform/errors.ts';
import { SNIFF_BYTES, classifyUpload, type FileKind } from './content-type.ts';
import { ZIP_LIMITS } from './zip-inspection.ts';

export type InspectorOptions = {
  /** Bytes allowed; one more fails the upload with `tooLarge`. */
  limit: number;
  tooLarge: () => AppError;
  extension: string;
  allowZip: boolean;
};

/**
 * The one pass every uploaded byte makes before it is encrypted: holds back the first
 * 64 KiB until the type is decided from magic bytes, then counts, hashes (SHA-256 of
 * the plaintext), checks UTF-8 for text types and keeps the tail of a ZIP for its
 * central directory. Memory stays bounded whatever the file size.
 */
export class UploadInspector extends Transform {
  size = 0;
  kind: FileKind | null = null;
  private readonly hash = crypto.createHash('sha256');
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private held: Buffer[] = [];
  private heldBytes = 0;
  private tailChunks: Buffer[] = [];
  private tailBytes = 0;

  constructor(private readonly opts: InspectorOptions) {
    super();
  }

  get sha256(): string {
    return this.hash.copy().digest('hex');
  }

  /** The last bytes of the file (ZIP only), where its central directory is. */
  get tail(): Buffer {
    return Buffer.concat(this.tailChunks);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.opts.limit) return cb(this.opts.tooLarge());
    this.hash.update(chunk);
    if (this.kind) return cb(this.pass(chunk));
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes < SNIFF_BYTES) return cb();
    this.decide().then(() => cb(), cb);
  }

  override _flush(cb: TransformCallback): void {
    const finish = () => {
      try {
        if (this.kind?.check === 'utf8') this.utf8.decode();
      } catch {
        return cb(new AppError('UNSUPPORTED_FILE_TYPE', 'a text file must be valid UTF-8'));
      }
      cb();
    };
    if (this.size === 0) return cb(new AppError('FILE_EMPTY'));
    if (this.kind) return finish();
    this.decide().then(finish, cb);
  }

  private async decide(): Promise<void> {
    const held = Buffer.concat(this.held);
    this.held = [];
    this.kind = await classifyUpload(held, this.opts.extension, { allowZip: this.opts.allowZip });
    const err = this.pass(held);
    if (err) throw err;
  }

  /** Checks and forwards one chunk of a classified file; returns the reason to stop, if any. */
  private pass(chunk: Buffer): AppError | null {
    if (this.kind?.check === 'utf8') {
      try {
        this.utf8.decode(chunk, { stream: true });
      } catch {
        return new AppError('UNSUPPORTED_FILE_TYPE', 'a text file must be valid UTF-8');
      }
    }
    if (this.kind?.check === 'zip') this.keepTail(chunk);
    this.push(chunk);
    return null;
  }

  private keepTail(chunk: Buffer): void {
    this.tailChunks.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailChunks.length > 1 && this.tailBytes - (this.tailChunks[0]?.length ?? 0) >= ZIP_LIMITS.tailBytes) {
      this.tailBytes -= this.tailChunks.shift()?.length ?? 0;
    }
  }
}
