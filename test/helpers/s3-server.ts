import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error -- s3rver ships no type declarations; the little used here is typed below.
import S3rverModule from 's3rver';

type S3rverInstance = { run(): Promise<{ address: string; port: number }>; close(): Promise<void> };
const S3rver = S3rverModule as new (opts: Record<string, unknown>) => S3rverInstance;

export type TestS3Server = {
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps the objects on disk (for tests that inspect the raw bytes). */
  directory: string;
  /** Env for loadConfig: STORAGE_BACKEND=s3 against this server. */
  env: Record<string, string>;
  close(): Promise<void>;
  /** Stops answering (the port closes) but keeps the objects; `restart` serves them again on the same port. */
  stop(): Promise<void>;
  restart(): Promise<void>;
};

/** A real S3-protocol server (npm s3rver) in this process, on a random port, with one empty bucket. */
export async function startS3Server(bucket = 'chambers-test'): Promise<TestS3Server> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-s3rver-'));
  let server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  let running = true;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    directory,
    env: {
      STORAGE_BACKEND: 's3',
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    },
    stop: async () => {
      if (running) await server.close();
      running = false;
    },
    restart: async () => {
      server = new S3rver({
        address: '127.0.0.1',
        port,
        silent: true,
        directory,
        configureBuckets: [{ name: bucket }],
      });
      await server.run();
      running = true;
    },
    close: async () => {
      if (running) await server.close();
      running = false;
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
