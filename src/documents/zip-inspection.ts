import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { AppError } from '../platform/errors.ts';

/** Refusal thresholds for archives: no legitimate case file packs more than this. */
export const ZIP_LIMITS = Object.freeze({
  /** Bytes kept from the end of the upload: the central directory must fit in them. */
  tailBytes: 4 * 1024 * 1024,
  maxEntries: 10_000,
  maxTotalUncompressed: 4 * 1024 ** 3,
  /** Expansion ratio of the whole archive (a zip bomb is in the thousands). */
  maxRatio: 100,
});

/**
 * A yauzl reader over the last bytes of a file whose beginning is already encrypted and
 * stored: yauzl reads only the end-of-central-directory record and the central
 * directory, which sit at the end, so nothing is extracted and nothing touches disk.
 */
class TailReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly tail: Buffer,
    private readonly tailStart: number,
  ) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    if (start < this.tailStart)
      return new Readable({
        read() {
          this.destroy(new Error('central directory outside the inspected tail'));
        },
      });
    return Readable.from([this.tail.subarray(start - this.tailStart, end - this.tailStart)]);
  }
}

/**
 * Refuses an archive whose declared entries expand too far (count, total size, ratio).
 * The declared sizes are what any client unpacking it will be told to allocate.
 */
export async function assertZipIsNotABomb(tail: Buffer, totalSize: number): Promise<void> {
  const reader = new TailReader(tail, totalSize - tail.length);
  const refuse = (why: string) => new AppError('ZIP_REJECTED', why);
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromRandomAccessReader(
        reader,
        totalSize,
        { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false },
        (err, z) => (err ? reject(err) : resolve(z)),
      ),
    );
  } catch {
    throw refuse('the archive cannot be read');
  }
  if (zip.entryCount > ZIP_LIMITS.maxEntries) throw refuse(`more than ${ZIP_LIMITS.maxEntries} entries`);
  let uncompressed = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      uncompressed += entry.uncompressedSize;
      if (uncompressed > ZIP_LIMITS.maxTotalUncompressed) return reject(refuse('too large once expanded'));
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', () => reject(refuse('the archive cannot be read')));
    zip.readEntry();
  }).finally(() => zip.close());
  if (uncompressed > Math.max(totalSize, 1024 * 1024) * ZIP_LIMITS.maxRatio)
    throw refuse(`expands more than ${ZIP_LIMITS.maxRatio} times`);
}
