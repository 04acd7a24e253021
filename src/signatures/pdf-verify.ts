import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PDF } from '@libpdf/core';
import { EVIDENCE_ATTACHMENT } from './pades.ts';
import { pkiEngine } from './pki-engine.ts';
import { hasTimeStampingEku, parseTimestampToken, signerCertificate, tokenSignatureHolds } from './tsa-client.ts';

/** Why a file is not a valid Chambers seal; each failure has its own code (API contract). */
export type VerifyReason =
  | 'NOT_A_PDF'
  | 'NOT_SIGNED'
  | 'BYTERANGE_INVALID'
  | 'MODIFIED_AFTER_SIGNING'
  | 'CONTENTS_PADDING_TAMPERED'
  | 'SUBFILTER_UNSUPPORTED'
  | 'CMS_MALFORMED'
  | 'DIGEST_MISMATCH'
  | 'SIGNATURE_INVALID'
  | 'CHAIN_UNTRUSTED'
  | 'TIMESTAMP_IMPRINT_MISMATCH'
  | 'TIMESTAMP_INVALID';

export type PdfVerdict = {
  verdict: 'valid' | 'invalid';
  reasons: VerifyReason[];
  signedAt: string | null;
  sealedBy: { subject: string; fingerprintSha256: string } | null;
  timestamp: { genTime: string; tsa: string } | null;
  envelopeId: string | null;
  /** SHA-256 of the whole file, for the lookup among sealed documents. */
  sha256: string;
};

const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';
const OID_CN = '2.5.4.3';

const sha256 = (data: Uint8Array) => crypto.createHash('sha256').update(data).digest();

const commonName = (name: pkijs.RelativeDistinguishedNames): string =>
  name.typesAndValues
    .filter((tv) => tv.type === OID_CN)
    .map((tv) => String((tv.value as { valueBlock: { value: string } }).valueBlock.value))
    .join(', ') || 'unknown';

/** The signature dictionary's ByteRange and /Contents hole, found in the file's bytes (the last one wins). */
function locateSignature(
  file: Buffer,
): { range: [number, number, number, number]; count: number; subFilter: string | null } | null {
  const text = file.toString('latin1');
  const matches = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = matches.at(-1);
  if (!last) return null;
  const range = [1, 2, 3, 4].map((i) => Number(last[i])) as [number, number, number, number];
  // The SubFilter of the same dictionary: search around the ByteRange.
  const around = text.slice(Math.max(0, (last.index ?? 0) - 2000), (last.index ?? 0) + 2000);
  const sub = /\/SubFilter\s*\/([A-Za-z0-9.#_-]+)/.exec(around);
  return { range, count: matches.length, subFilter: sub?.[1] ?? null };
}

async function evidenceEnvelopeId(file: Buffer): Promise<string | null> {
  try {
    const pdf = await PDF.load(file);
    const json = await pdf.attachments.get(EVIDENCE_ATTACHMENT);
    if (!json) return null;
    const id = (JSON.parse(Buffer.from(json).toString('utf8')) as { envelopeId?: unknown }).envelopeId;
    return typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}

/**
 * One strict verdict over a sealed PDF: the ByteRange covers the whole file but the
 * /Contents hole; nothing follows the signed revision; the hole holds the CMS and zero
 * padding only; the CMS digest and signature hold over the ranges; the signer chains to a
 * trusted root; an embedded time-stamp token's imprint is the signature's own hash.
 */
export async function verifyPdf(input: Uint8Array, opts: { trustedRoots: Uint8Array[] }): Promise<PdfVerdict> {
  const file = Buffer.from(input);
  const out: PdfVerdict = {
    verdict: 'invalid',
    reasons: [],
    signedAt: null,
    sealedBy: null,
    timestamp: null,
    envelopeId: null,
    sha256: sha256(file).toString('hex'),
  };
  const fail = (r: VerifyReason) => {
    if (!out.reasons.includes(r)) out.reasons.push(r);
    return out;
  };
  if (file.subarray(0, 1024).indexOf('%PDF-') < 0) return fail('NOT_A_PDF');
  const sig = locateSignature(file);
  if (!sig) return fail('NOT_SIGNED');
  const [a, b, c, d] = sig.range;
  if (a !== 0 || b <= 0 || c <= b + 2 || d < 0 || c + d > file.length || file[b] !== 0x3c || file[c - 1] !== 0x3e)
    return fail('BYTERANGE_INVALID');
  if (c + d < file.length) fail('MODIFIED_AFTER_SIGNING');
  if (sig.subFilter !== 'ETSI.CAdES.detached') fail('SUBFILTER_UNSUPPORTED');

  const hex = file.subarray(b + 1, c - 1).toString('latin1');
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) return fail('CONTENTS_PADDING_TAMPERED');
  const hole = Buffer.from(hex, 'hex');
  const parsed = asn1js.fromBER(Uint8Array.from(hole));
  if (parsed.offset === -1) return fail('CMS_MALFORMED');
  if (hole.subarray(parsed.offset).some((x) => x !== 0)) fail('CONTENTS_PADDING_TAMPERED');

  let signed: pkijs.SignedData;
  try {
    // Parsed again by pkijs itself: its instanceof checks need its own asn1js (a test runner may load two copies).
    const der = Uint8Array.from(hole.subarray(0, parsed.offset));
    signed = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(der).content });
  } catch {
    return fail('CMS_MALFORMED');
  }
  const signerInfo = signed.signerInfos[0];
  const cert = signerCertificate(signed);
  if (!signerInfo || !cert || signed.signerInfos.length !== 1) return fail('CMS_MALFORMED');
  const certDer = new Uint8Array(cert.toSchema().toBER(false));
  out.sealedBy = { subject: commonName(cert.subject), fingerprintSha256: sha256(certDer).toString('hex') };

  const signedBytes = Buffer.concat([file.subarray(a, a + b), file.subarray(c, c + d)]);
  const attr = (oid: string) => signerInfo.signedAttrs?.attributes.find((x) => x.type === oid)?.values[0];
  const digestAttr = attr(OID_MESSAGE_DIGEST) as asn1js.OctetString | undefined;
  if (!digestAttr || !sha256(signedBytes).equals(Buffer.from(digestAttr.valueBlock.valueHexView)))
    fail('DIGEST_MISMATCH');
  else {
    try {
      const v = await signed.verify(
        {
          signer: 0,
          data: Uint8Array.from(signedBytes).buffer,
          checkChain: false,
          extendedMode: true,
        },
        pkiEngine,
      );
      if (!v.signatureVerified) fail('SIGNATURE_INVALID');
    } catch {
      fail('SIGNATURE_INVALID');
    }
  }
  const signingTime = attr(OID_SIGNING_TIME) as asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
  const claimed = signingTime ? signingTime.toDate() : null;

  // The signature timestamp (B-T): its imprint must be the hash of this signature's value.
  const tsAttr = signerInfo.unsignedAttrs?.attributes.find((x) => x.type === OID_TIMESTAMP_TOKEN)?.values[0];
  let checkDate = claimed ?? new Date();
  if (tsAttr) {
    try {
      const tokenDer = new Uint8Array(tsAttr.toBER(false));
      const { signed: tsSigned, info, tstInfoDer } = parseTimestampToken(tokenDer);
      const imprint = Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView);
      if (!imprint.equals(sha256(signerInfo.signature.valueBlock.valueHexView))) fail('TIMESTAMP_IMPRINT_MISMATCH');
      const tsaCert = signerCertificate(tsSigned);
      const holds = await tokenSignatureHolds(tsSigned, tstInfoDer);
      if (!tsaCert || !hasTimeStampingEku(tsaCert) || !holds) fail('TIMESTAMP_INVALID');
      out.timestamp = { genTime: info.genTime.toISOString(), tsa: tsaCert ? commonName(tsaCert.subject) : 'unknown' };
      checkDate = info.genTime;
    } catch {
      fail('TIMESTAMP_INVALID');
    }
  }
  out.signedAt = out.timestamp?.genTime ?? claimed?.toISOString() ?? null;

  // The chain, at the time of signing (the timestamp's when there is one), up to a root we trust.
  try {
    const trusted = opts.trustedRoots.map((der) => pkijs.Certificate.fromBER(Uint8Array.from(der)));
    // pkijs validates the last certificate of `certs`: the signer goes last.
    const others = (signed.certificates ?? []).filter(
      (x): x is pkijs.Certificate => x instanceof pkijs.Certificate && x !== cert,
    );
    const certs = [...others, cert];
    const engine = new pkijs.CertificateChainValidationEngine({ trustedCerts: trusted, certs, checkDate });
    const chain = trusted.length ? await engine.verify({}, pkiEngine) : { result: false };
    if (!chain.result) fail('CHAIN_UNTRUSTED');
  } catch {
    fail('CHAIN_UNTRUSTED');
  }
  out.envelopeId = await evidenceEnvelopeId(file);
  if (out.reasons.length === 0) out.verdict = 'valid';
  return out;
}
