import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as asn1js from 'asn1js';
import { PDF } from '@libpdf/core';

/** A real PDF of `pages` A4 pages with some text, made with @libpdf/core. */
export async function makePdf(pages = 1, text = 'Contract'): Promise<Buffer> {
  const doc = PDF.create();
  for (let i = 0; i < pages; i++)
    doc.addPage({ size: 'a4' }).drawText(`${text} page ${i + 1}`, { x: 50, y: 780, size: 14 });
  return Buffer.from(await doc.save());
}

/** The ByteRange, the CMS bytes in the /Contents hole (exact DER length) and the signed bytes. */
export function signatureParts(file: Buffer): { range: number[]; cms: Buffer; signed: Buffer } {
  const m = [...file.toString('latin1').matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].at(-1);
  if (!m) throw new Error('no signature');
  const [a, b, c, d] = [1, 2, 3, 4].map((i) => Number(m[i]));
  const hole = Buffer.from(file.subarray(b! + 1, c! - 1).toString('latin1'), 'hex');
  const parsed = asn1js.fromBER(Uint8Array.from(hole));
  return {
    range: [a!, b!, c!, d!],
    cms: hole.subarray(0, parsed.offset),
    signed: Buffer.concat([file.subarray(a!, a! + b!), file.subarray(c!, c! + d!)]),
  };
}

/**
 * Checks a sealed PDF with the independent tools: pdfsig (poppler) must call the signature
 * valid over the total document, and `openssl cms -verify` must verify the CMS over the
 * ByteRange up to the given root. Returns pdfsig's report.
 */
export function validateWithTools(file: Buffer, rootPem: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-sealed-'));
  try {
    const p = (f: string) => path.join(dir, f);
    fs.writeFileSync(p('sealed.pdf'), file);
    const report = execFileSync('pdfsig', [p('sealed.pdf')], { encoding: 'utf8' });
    if (!/Signature Validation: Signature is Valid\./.test(report) || !/Total document signed/.test(report))
      throw new Error(`pdfsig refused the seal:\n${report}`);
    if (!/ETSI\.CAdES\.detached/.test(report)) throw new Error(`not PAdES:\n${report}`);
    const parts = signatureParts(file);
    fs.writeFileSync(p('sig.der'), parts.cms);
    fs.writeFileSync(p('signed.bin'), parts.signed);
    fs.writeFileSync(p('root.pem'), rootPem);
    execFileSync(
      'openssl',
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        p('sig.der'),
        '-content',
        p('signed.bin'),
        '-CAfile',
        p('root.pem'),
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ],
      { stdio: 'pipe' },
    );
    return report;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A CA-issued seal as a firm would receive it: a throwaway root CA and a seal certificate
 * (`days` of validity) with its key, exported by `openssl pkcs12 -export` under a password.
 */
export function makeSealPkcs12(opts: { days: number; password: string; rsa?: boolean }): {
  p12: Buffer;
  caPem: string;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-p12-'));
  try {
    const p = (f: string) => path.join(dir, f);
    const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const key = opts.rsa ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
    sh([
      'req',
      '-x509',
      ...key,
      '-nodes',
      '-subj',
      '/CN=Test Qualified CA',
      '-days',
      '3650',
      '-keyout',
      p('ca.key'),
      '-out',
      p('ca.pem'),
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    sh([
      'req',
      ...key,
      '-nodes',
      '-subj',
      '/CN=Harbour & Vale LLP seal',
      '-keyout',
      p('seal.key'),
      '-out',
      p('seal.csr'),
    ]);
    fs.writeFileSync(p('seal.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n');
    sh([
      'x509',
      '-req',
      '-in',
      p('seal.csr'),
      '-CA',
      p('ca.pem'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-days',
      String(opts.days),
      '-extfile',
      p('seal.ext'),
      '-out',
      p('seal.pem'),
    ]);
    sh([
      'pkcs12',
      '-export',
      '-inkey',
      p('seal.key'),
      '-in',
      p('seal.pem'),
      '-certfile',
      p('ca.pem'),
      '-passout',
      `pass:${opts.password}`,
      '-out',
      p('seal.p12'),
    ]);
    return { p12: fs.readFileSync(p('seal.p12')), caPem: fs.readFileSync(p('ca.pem'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
