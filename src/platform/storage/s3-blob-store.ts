import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  NoSuchKey,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StorageConfig } from '../config.ts';
import { BlobNotFoundError, assertBlobKey, assertBlobPrefix, type BlobStore } from './blob-store.ts';
import { createS3Client } from './s3-client.ts';

type S3Settings = Extract<StorageConfig, { backend: 's3' }>;

/** Multipart part size: memory held per upload is about PART_BYTES * QUEUE_SIZE, whatever the blob size. */
const PART_BYTES = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

/**
 * Blobs as objects in one bucket, each organization under its own prefix
 * (`<S3_PREFIX><orgId>/<id>`). Uploads stream as multipart (lib-storage), and a
 * failed or aborted upload is aborted on the server, so no object appears.
 */
export function createS3BlobStore(settings: S3Settings): BlobStore & { close(): void } {
  const client = createS3Client(settings);
  const bucket = settings.bucket;
  const objectKey = (key: string) => {
    assertBlobKey(key);
    return `${settings.prefix}${key}`;
  };

  return {
    kind: 's3',

    async put(key, body) {
      const Key = objectKey(key);
      let bytes = 0;
      const counted = new Transform({
        highWaterMark: 1024 * 1024,
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key, Body: counted, ContentType: 'application/octet-stream' },
        partSize: PART_BYTES,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      });
      // A failing source destroys `counted`, which fails the upload; the upload then aborts its multipart parts.
      const feeding = pipeline(body, counted);
      const results = await Promise.allSettled([feeding, upload.done()]);
      const failure = results.find((r) => r.status === 'rejected');
      if (failure) {
        await upload.abort().catch(() => undefined);
        // A small body may have gone up as a single PUT before the source failed: remove it.
        if (results[0].status === 'rejected')
          await client.send(new DeleteObjectCommand({ Bucket: bucket, Key })).catch(() => undefined);
        throw (failure as PromiseRejectedResult).reason;
      }
      return { bytes };
    },

    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
        if (!(out.Body instanceof Readable)) throw new Error('the S3 client returned a body that is not a Node stream');
        return out.Body;
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey')
          throw new BlobNotFoundError(key);
        throw err;
      }
    },

    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
    },

    async *list(prefix) {
      assertBlobPrefix(prefix);
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: `${settings.prefix}${prefix}`, ContinuationToken }),
        );
        for (const item of page.Contents ?? []) {
          if (!item.Key) continue;
          yield { key: item.Key.slice(settings.prefix.length), lastModified: item.LastModified ?? new Date(0) };
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    },

    close() {
      client.destroy();
    },
  };
}
