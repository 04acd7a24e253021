import path from 'node:path';
import type { Config } from '../config.ts';
import type { BlobStore } from './blob-store.ts';
import { createLocalBlobStore } from './local-blob-store.ts';
import { createS3BlobStore } from './s3-blob-store.ts';

export type { BlobStore } from './blob-store.ts';
export { BlobNotFoundError, InvalidBlobKeyError, assertBlobKey } from './blob-store.ts';

/** The blob store the configuration names: `<data>/blobs` by default, an S3 bucket with STORAGE_BACKEND=s3. */
export function createBlobStore(config: Pick<Config, 'dataDir' | 'storage'>): BlobStore & { close(): void } {
  if (config.storage.backend === 's3') return createS3BlobStore(config.storage);
  return { ...createLocalBlobStore(localBlobDirectory(config.dataDir)), close: () => undefined };
}

export const localBlobDirectory = (dataDir: string): string => path.join(dataDir, 'blobs');

export { createS3BlobStore } from './s3-blob-store.ts';
export { createS3Client, type S3Connection } from './s3-client.ts';
