import { S3Client } from '@aws-sdk/client-s3';

/** Where an S3-protocol server is and how to sign in to it: the blob store and the checkpoint mirror share this shape. */
export type S3Connection = {
  region: string;
  endpoint?: string | undefined;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
};

/**
 * The one way Chambers makes an S3 client. Checksums only where S3 requires them:
 * many S3-compatible servers do not speak the newer trailing-checksum uploads.
 */
export function createS3Client(connection: S3Connection, opts: { maxAttempts?: number } = {}): S3Client {
  return new S3Client({
    region: connection.region,
    endpoint: connection.endpoint,
    forcePathStyle: connection.forcePathStyle,
    credentials: connection.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}),
  });
}
