import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { TimestampAuthority } from '@libpdf/core';
import { pkiEngine } from './pki-engine.ts';

const SHA256 = '2.16.840.1.101.3.4.2.1';
const EKU_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const EXT_KEY_USAGE = '2.5.29.37';
const MAX_SKEW_MS = 60_000;

export type AcceptedToken = { token: Uint8Array; genTime: Date; tsa: string };

export class TimestampUnavailableError extends Error {
  constructor(readonly failures: string[]) {
    super(`no time-stamp authority answered with a valid token: ${failures.join('; ')}`);
    this.name = 'TimestampUnavailableError';
  }
}

const bytesEqual = (a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array) =>
  Buffer.from(a as ArrayBuffer).equals(Buffer.from(b as ArrayBuffer));

/** The certificate that signed a CMS SignedData (its first signer), found among the embedded certificates. */
export function signerCertificate(signed: pkijs.SignedData): pkijs.Certificate | undefined {
  const sid = signed.signerInfos[0]?.sid;
  if (!(sid instanceof pkijs.IssuerAndSerialNumber)) return undefined;
  return signed.certificates?.find(
    (c): c is pkijs.Certificate =>
      c instanceof pkijs.Certificate && c.serialNumber.isEqual(sid.serialNumber) && c.issuer.isEqual(sid.issuer),
  );
}

export function hasTimeStampingEku(cert: pkijs.Certificate): boolean {
  const ext = cert.extensions?.find((e) => e.extnID === EXT_KEY_USAGE);
  const parsed = ext?.parsedValue as pkijs.ExtKeyUsage | undefined;
  return Boolean(parsed?.keyPurposes.includes(EKU_TIME_STAMPING));
}

const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';

/**
 * The token's CMS signature over its TSTInfo: messageDigest is the hash of the TSTInfo and
 * the signer's key verifies the signed attributes. (pkijs's SignedData.verify wants the
 * time-stamped data itself for a TSTInfo, which a TSA client holding only the digest lacks;
 * the imprint is compared separately.)
 */
export async function tokenSignatureHolds(signed: pkijs.SignedData, tstInfoDer: ArrayBuffer): Promise<boolean> {
  const si = signed.signerInfos[0];
  const cert = signerCertificate(signed);
  const md = si?.signedAttrs?.attributes.find((a) => a.type === OID_MESSAGE_DIGEST)?.values[0] as
    asn1js.OctetString | undefined;
  if (!si?.signedAttrs || !cert || !md) return false;
  const hash = pkiEngine.getAlgorithmByOID(si.digestAlgorithm.algorithmId, true, 'digestAlgorithm') as { name: string };
  const digest = await pkiEngine.digest(hash, tstInfoDer);
  if (!bytesEqual(digest, md.valueBlock.valueHexView)) return false;
  return pkiEngine.verifyWithPublicKey(
    si.signedAttrs.encodedValue,
    si.signature,
    cert.subjectPublicKeyInfo,
    si.signatureAlgorithm,
    hash.name,
  );
}

/** Parses a TimeStampToken (a CMS ContentInfo) into its SignedData and TSTInfo. */
export function parseTimestampToken(der: Uint8Array): {
  signed: pkijs.SignedData;
  info: pkijs.TSTInfo;
  tstInfoDer: ArrayBuffer;
} {
  const contentInfo = pkijs.ContentInfo.fromBER(Uint8Array.from(der));
  const signed = new pkijs.SignedData({ schema: contentInfo.content });
  const econtent = signed.encapContentInfo.eContent;
  if (!econtent) throw new Error('time-stamp token without TSTInfo');
  const tstInfoDer = econtent.getValue();
  return { signed, info: pkijs.TSTInfo.fromBER(tstInfoDer), tstInfoDer };
}

/**
 * Checks a token before it is embedded: the imprint is SHA-256 of exactly our digest,
 * the nonce is ours, the signer certificate carries the timeStamping EKU, the CMS
 * signature verifies, and genTime is within a minute of now. Anything else is refused.
 */
export async function checkToken(der: Uint8Array, digest: Uint8Array, nonce: Buffer | null, now: Date): Promise<Date> {
  const { signed, info, tstInfoDer } = parseTimestampToken(der);
  if (info.messageImprint.hashAlgorithm.algorithmId !== SHA256) throw new Error('imprint is not SHA-256');
  if (!bytesEqual(info.messageImprint.hashedMessage.valueBlock.valueHexView, digest))
    throw new Error('imprint mismatch');
  if (nonce && (!info.nonce || !bytesEqual(info.nonce.valueBlock.valueHexView, nonce)))
    throw new Error('nonce mismatch');
  const cert = signerCertificate(signed);
  if (!cert) throw new Error('token does not carry its signing certificate');
  if (!hasTimeStampingEku(cert)) throw new Error('TSA certificate lacks the timeStamping EKU');
  if (!(await tokenSignatureHolds(signed, tstInfoDer))) throw new Error('token signature does not verify');
  if (Math.abs(info.genTime.getTime() - now.getTime()) > MAX_SKEW_MS)
    throw new Error('genTime is not within a minute of now');
  return info.genTime;
}

async function requestToken(url: string, digest: Uint8Array, now: () => Date): Promise<AcceptedToken> {
  const nonce = crypto.randomBytes(8);
  nonce[0] = ((nonce[0] ?? 0) & 0x7f) | 0x01;
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: Uint8Array.from(digest).buffer }),
    }),
    nonce: new asn1js.Integer({ valueHex: Uint8Array.from(nonce).buffer }),
    certReq: true,
  });
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
    body: Buffer.from(req.toSchema().toBER(false)),
    signal: AbortSignal.timeout(10_000),
    redirect: 'error',
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.length > 64 * 1024) throw new Error('reply too large');
  const resp = pkijs.TimeStampResp.fromBER(body);
  if (resp.status.status > 1 || !resp.timeStampToken) throw new Error(`TSA refused (status ${resp.status.status})`);
  const token = new Uint8Array(resp.timeStampToken.toSchema().toBER(false));
  const genTime = await checkToken(token, digest, nonce, now());
  return { token, genTime, tsa: url };
}

/**
 * A TimestampAuthority for @libpdf/core that tries each configured TSA in order and hands
 * back only a token that passed checkToken; `accepted` records which one answered.
 */
export function checkedTimestampAuthority(urls: string[], now: () => Date) {
  let accepted: AcceptedToken | null = null;
  const authority: TimestampAuthority = {
    async timestamp(digest, algorithm) {
      if (algorithm !== 'SHA-256') throw new Error('only SHA-256 imprints are requested');
      const failures: string[] = [];
      for (const url of urls) {
        try {
          accepted = await requestToken(url, digest, now);
          return accepted.token;
        } catch (err) {
          failures.push(`${new URL(url).host}: ${(err as Error).message}`);
        }
      }
      throw new TimestampUnavailableError(failures);
    },
  };
  return { authority, accepted: () => accepted };
}
