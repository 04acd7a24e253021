import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CryptoKeySigner, type TimestampAuthority } from '@libpdf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTsa, type TestTsa } from '../../test/helpers/tsa.ts';
import { makePdf, signatureParts, validateWithTools } from '../../test/helpers/tsa-pdf.ts';
import { composeFinalPdf, sealPdf } from './pades.ts';
import { verifyPdf } from './pdf-verify.ts';
import { importSealKey, issueSealCertificate, pemToDer } from './seal-keys.ts';
import { checkedTimestampAuthority, TimestampUnavailableError } from './tsa-client.ts';
import { runVerifyPdf } from '../cli/verify-pdf.cli.ts';

/**
 * The verifier's strict verdict over six fixtures (one valid, five tampered in distinct
 * ways), and the RFC 3161 path against a local TSA run by `openssl ts -reply`.
 */
describe('seal and verifier', () => {
  let tsa: TestTsa;
  let rootPem: string;
  let signer: CryptoKeySigner;
  let valid: Buffer;
  const roots = () => pemToDer(rootPem);

  beforeAll(async () => {
    tsa = await startTestTsa();
    const issued = await issueSealCertificate('Fixture LLP', new Date());
    rootPem = issued.rootPem;
    signer = new CryptoKeySigner(
      (await importSealKey(issued.sealKeyPkcs8)).key,
      pemToDer(issued.certificatePem)[0]!,
      'EC',
      'ECDSA',
      roots(),
    );
    const composed = await composeFinalPdf(await makePdf(1), [], {
      lines: ['Signature evidence'],
      json: Buffer.from('{"envelopeId":null}'),
      at: new Date(),
    });
    const checked = checkedTimestampAuthority([tsa.url], () => new Date());
    valid = Buffer.from(
      await sealPdf(composed, { signer, tsa: checked.authority, signingTime: new Date(), reason: 'test' }),
    );
    expect(checked.accepted()?.tsa).toBe(tsa.url);
  });
  afterAll(async () => tsa?.close());

  it('should produce a B-T seal that pdfsig, openssl cms and openssl ts accept', async () => {
    validateWithTools(valid, rootPem);
    // The timestamp token inside the CMS, checked by openssl ts against the test TSA's CA.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-'));
    const { cms } = signatureParts(valid);
    fs.writeFileSync(path.join(dir, 'sig.der'), cms);
    const printed = execFileSync(
      'openssl',
      ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path.join(dir, 'sig.der')],
      { encoding: 'utf8' },
    );
    expect(printed).toContain('id-smime-aa-timeStampToken');
    const verdict = await verifyPdf(valid, { trustedRoots: roots() });
    expect(verdict).toMatchObject({ verdict: 'valid', reasons: [] });
    expect(verdict.timestamp?.tsa).toBe('Chambers Test TSA');
    // openssl ts -verify: the token's imprint is SHA-256 of the CMS signature value.
    const pkijs = await import('pkijs');
    const ci = pkijs.ContentInfo.fromBER(Uint8Array.from(cms));
    const sd = new pkijs.SignedData({ schema: ci.content });
    const si = sd.signerInfos[0]!;
    const token = si.unsignedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.16.2.14')!.values[0] as {
      toBER(sizeOnly: boolean): ArrayBuffer;
    };
    fs.writeFileSync(path.join(dir, 'token.der'), Buffer.from(token.toBER(false)));
    fs.writeFileSync(path.join(dir, 'sigvalue.bin'), Buffer.from(si.signature.valueBlock.valueHexView));
    execFileSync(
      'openssl',
      [
        'ts',
        '-verify',
        '-token_in',
        '-in',
        path.join(dir, 'token.der'),
        '-data',
        path.join(dir, 'sigvalue.bin'),
        '-CAfile',
        tsa.caFile,
      ],
      { stdio: 'pipe' },
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should refuse each tampered fixture with its own reason', async () => {
    const [, b, c] = signatureParts(valid).range as [number, number, number, number];
    const flipped = Buffer.from(valid);
    flipped[Math.floor(b / 2)] = (flipped[Math.floor(b / 2)] ?? 0) ^ 0x01;
    const appended = Buffer.concat([valid, Buffer.from('\n1 0 obj\n<< /Tampered true >>\nendobj\n%%EOF\n')]);
    const padded = Buffer.from(valid);
    padded[c - 2] = 0x46; // last hex digit of the zero padding: '0' → 'F'
    const unsigned = await makePdf(1);
    // A token whose imprint is another document's: a rogue authority asks the TSA about other bytes.
    const honest = checkedTimestampAuthority([tsa.url], () => new Date());
    const rogue: TimestampAuthority = {
      timestamp: async () => {
        const other = crypto.createHash('sha256').update('another document').digest();
        return honest.authority.timestamp(other, 'SHA-256');
      },
    };
    const composed = await composeFinalPdf(await makePdf(1), [], {
      lines: ['x'],
      json: Buffer.from('{}'),
      at: new Date(),
    });
    const otherImprint = Buffer.from(
      await sealPdf(composed, { signer, tsa: rogue, signingTime: new Date(), reason: 'test' }),
    );

    const reasons = async (f: Buffer) => (await verifyPdf(f, { trustedRoots: roots() })).reasons;
    const verdicts = {
      flipped: await reasons(flipped),
      appended: await reasons(appended),
      padded: await reasons(padded),
      otherImprint: await reasons(otherImprint),
      unsigned: await reasons(unsigned),
    };
    expect(verdicts).toEqual({
      flipped: ['DIGEST_MISMATCH'],
      appended: ['MODIFIED_AFTER_SIGNING'],
      padded: ['CONTENTS_PADDING_TAMPERED'],
      otherImprint: ['TIMESTAMP_IMPRINT_MISMATCH'],
      unsigned: ['NOT_SIGNED'],
    });
    expect(await reasons(Buffer.from('not a pdf'))).toEqual(['NOT_A_PDF']);
    // Trusting no root: the chain is refused.
    expect((await verifyPdf(valid, { trustedRoots: [] })).reasons).toEqual(['CHAIN_UNTRUSTED']);
  });

  it('should refuse to timestamp when every TSA fails, and never embed an unchecked token', async () => {
    tsa.down = true;
    try {
      const checked = checkedTimestampAuthority([tsa.url, 'http://127.0.0.1:9/none'], () => new Date());
      await expect(checked.authority.timestamp(crypto.randomBytes(32), 'SHA-256')).rejects.toBeInstanceOf(
        TimestampUnavailableError,
      );
    } finally {
      tsa.down = false;
    }
    // genTime more than a minute from our clock: refused.
    const skewed = checkedTimestampAuthority([tsa.url], () => new Date(Date.now() + 5 * 60_000));
    await expect(skewed.authority.timestamp(crypto.randomBytes(32), 'SHA-256')).rejects.toThrow(/genTime/);
  });

  it('should give the same verdict from `chambers verify-pdf` and exit 0 only when valid', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    fs.writeFileSync(path.join(dir, 'ok.pdf'), valid);
    fs.writeFileSync(path.join(dir, 'bad.pdf'), Buffer.concat([valid, Buffer.from('\n%%EOF\n')]));
    fs.writeFileSync(path.join(dir, 'root.pem'), rootPem);
    const lines: string[] = [];
    expect(
      await runVerifyPdf([path.join(dir, 'ok.pdf'), '--root', path.join(dir, 'root.pem')], (l) => lines.push(l)),
    ).toBe(0);
    expect(JSON.parse(lines.pop()!)).toMatchObject({ verdict: 'valid', reasons: [] });
    expect(
      await runVerifyPdf([path.join(dir, 'bad.pdf'), '--root', path.join(dir, 'root.pem')], (l) => lines.push(l)),
    ).toBe(1);
    expect(JSON.parse(lines.pop()!).reasons).toEqual(['MODIFIED_AFTER_SIGNING']);
    expect(await runVerifyPdf([], (l) => lines.push(l))).toBe(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
