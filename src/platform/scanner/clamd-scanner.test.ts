import crypto from 'node:crypto';
import net from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EICAR,
  EICAR_SIGNATURE,
  clamdMissingReason,
  freePort,
  startClamd,
  type TestClamd,
} from '../../../test/helpers/clamd.ts';
import { ScanRefusedError, ScannerUnavailableError, createClamdScanner, parseClamdReply } from './clamd-scanner.ts';

const missing = clamdMissingReason();

describe.skipIf(missing)(`clamd scanner against a real clamd${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let clamd: TestClamd;
  beforeAll(async () => {
    clamd = await startClamd({ streamMaxLength: '2M' });
  });
  afterAll(async () => clamd?.stop());
  const scanner = () => createClamdScanner({ host: clamd.host, port: clamd.port, timeoutMs: 10_000 });

  it('answers PING', async () => {
    await scanner().ping();
  });

  it('reports clean content as clean, in many pieces and empty', async () => {
    const pieces = Array.from({ length: 20 }, () => crypto.randomBytes(50_000));
    expect(await scanner().scan(Readable.from(pieces))).toEqual({ status: 'clean' });
    expect(await scanner().scan(Readable.from([]))).toEqual({ status: 'clean' });
  });

  it('finds EICAR alone and inside a larger file split across frames', async () => {
    expect(await scanner().scan(Readable.from([Buffer.from(EICAR)]))).toEqual({
      status: 'infected',
      signature: EICAR_SIGNATURE,
    });
    const file = Buffer.concat([crypto.randomBytes(65_530), Buffer.from(EICAR), crypto.randomBytes(1000)]);
    const pieces = [file.subarray(0, 65_540), file.subarray(65_540)];
    expect(await scanner().scan(Readable.from(pieces))).toEqual({ status: 'infected', signature: EICAR_SIGNATURE });
  });

  it('reports content over clamd StreamMaxLength as refused for size, not as clean', async () => {
    const big = Array.from({ length: 12 }, () => crypto.randomBytes(256 * 1024));
    const err = await scanner()
      .scan(Readable.from(big))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScanRefusedError);
    // Usually clamd's reply is read ('size-limit'); when its reset races the reply away, still a refusal ('error').
    expect(['size-limit', 'error']).toContain((err as ScanRefusedError).reason);
  });
});

describe('clamd scanner faults', () => {
  it('throws ScannerUnavailableError when nothing listens', async () => {
    const port = await freePort();
    const scanner = createClamdScanner({ host: '127.0.0.1', port, timeoutMs: 2_000 });
    await expect(scanner.scan(Readable.from([Buffer.from('x')]))).rejects.toBeInstanceOf(ScannerUnavailableError);
    await expect(scanner.ping()).rejects.toBeInstanceOf(ScannerUnavailableError);
  });

  it('throws ScannerUnavailableError when clamd accepts but never answers', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => {
      sockets.push(s);
      s.resume();
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const scanner = createClamdScanner({ host: '127.0.0.1', port, timeoutMs: 300 });
      const started = Date.now();
      await expect(scanner.scan(Readable.from([Buffer.from('hello')]))).rejects.toBeInstanceOf(ScannerUnavailableError);
      expect(Date.now() - started).toBeLessThan(5_000);
      await expect(scanner.ping()).rejects.toBeInstanceOf(ScannerUnavailableError);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('parses every kind of clamd reply', () => {
    expect(parseClamdReply('stream: OK\0')).toEqual({ status: 'clean' });
    expect(parseClamdReply('stream: Win.Test.EICAR_HDB-1 FOUND\0')).toEqual({
      status: 'infected',
      signature: 'Win.Test.EICAR_HDB-1',
    });
    expect(() => parseClamdReply('INSTREAM size limit exceeded. ERROR\0')).toThrow(ScanRefusedError);
    expect(() => parseClamdReply("stream: Can't allocate memory ERROR\0")).toThrow(ScanRefusedError);
  });
});
