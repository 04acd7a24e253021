import crypto from 'node:crypto';
import * as pkijs from 'pkijs';
import { AppError } from '../platform/errors.ts';
import { pkiEngine } from './pki-engine.ts';
import { toPem } from './seal-keys.ts';

const BAG_KEY = '1.2.840.113549.1.12.10.1.2'; // pkcs8ShroudedKeyBag
const BAG_CERT = '1.2.840.113549.1.12.10.1.3'; // certBag

/** A CA-issued seal certificate taken out of a PKCS#12 file, ready to be boxed and stored. */
export type UploadedSeal = {
  certificatePem: string;
  chainPem: string;
  rootPem: string;
  keyPkcs8: Buffer;
  fingerprintSha256: string;
  notAfter: Date;
};

/** pkijs declares the shrouded key bag's decryption protected, though it is how a PKCS#12 key is read. */
type ShroudedKeyBag = { parseInternalValues(p: { password: ArrayBuffer }, c: pkijs.ICryptoEngine): Promise<void> };

const der = (c: pkijs.Certificate) => new Uint8Array(c.toSchema().toBER(false));
const spki = (c: pkijs.Certificate) => Buffer.from(c.subjectPublicKeyInfo.toSchema().toBER(false));
const selfSigned = (c: pkijs.Certificate) => c.issuer.isEqual(c.subject);

/** The keys a seal may use: what @libpdf/core signs with and what readers validate. */
function checkKey(key: crypto.KeyObject): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' && (details.modulusLength ?? 0) >= 2048) return;
  if (type === 'ec' && (details.namedCurve === 'prime256v1' || details.namedCurve === 'secp384r1')) return;
  throw new AppError('SEAL_CERTIFICATE_INVALID', 'The key must be RSA (2048 bits or more) or ECDSA P-256 / P-384');
}

/**
 * Reads a PKCS#12 file with pkijs (integrity MAC checked with the password): exactly one
 * private key, the certificate whose public key matches it, and the CA certificates given
 * with it. The chain must validate up to its root (the self-signed certificate in the file,
 * else the top one given) and the seal must be valid now.
 *
 * @example
 *   const seal = await parseSealPkcs12(p12Bytes, 'password', new Date());
 */
export async function parseSealPkcs12(file: Uint8Array, password: string, now: Date): Promise<UploadedSeal> {
  const pass = new TextEncoder().encode(password).buffer as ArrayBuffer;
  const keys: Buffer[] = [];
  const certs: pkijs.Certificate[] = [];
  try {
    const pfx = pkijs.PFX.fromBER(Uint8Array.from(file));
    await pfx.parseInternalValues({ password: pass, checkIntegrity: true }, pkiEngine);
    const safe = pfx.parsedValue?.authenticatedSafe;
    if (!safe) throw new Error('no authenticated safe');
    await safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password: pass })) }, pkiEngine);
    for (const content of safe.parsedValue?.safeContents ?? []) {
      for (const bag of content.value.safeBags) {
        if (bag.bagId === BAG_KEY) {
          const shrouded = bag.bagValue as unknown as ShroudedKeyBag & pkijs.PKCS8ShroudedKeyBag;
          await shrouded.parseInternalValues({ password: pass }, pkiEngine);
          if (shrouded.parsedValue) keys.push(Buffer.from(shrouded.parsedValue.toSchema().toBER(false)));
        } else if (bag.bagId === BAG_CERT) {
          const parsed = (bag.bagValue as pkijs.CertBag).parsedValue as unknown;
          if (parsed instanceof pkijs.Certificate) certs.push(parsed);
        }
      }
    }
  } catch {
    throw new AppError('SEAL_CERTIFICATE_INVALID', 'The file is not a PKCS#12 file or the password is wrong');
  }
  if (keys.length !== 1)
    throw new AppError('SEAL_CERTIFICATE_INVALID', 'The PKCS#12 file must hold exactly one private key');
  const keyPkcs8 = keys[0]!;
  const privateKey = crypto.createPrivateKey({ key: keyPkcs8, format: 'der', type: 'pkcs8' });
  checkKey(privateKey);
  const publicDer = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const seal = certs.find((c) => spki(c).equals(publicDer));
  if (!seal) throw new AppError('SEAL_CERTIFICATE_INVALID', 'No certificate in the file matches its private key');
  if (seal.notBefore.value > now || seal.notAfter.value <= now)
    throw new AppError('SEAL_CERTIFICATE_INVALID', 'The seal certificate is not valid today');
  const cas = certs.filter((c) => c !== seal);
  const root = cas.find(selfSigned) ?? cas.at(-1) ?? seal;
  const chain = new pkijs.CertificateChainValidationEngine({
    trustedCerts: [root],
    certs: [seal, ...cas.filter((c) => c !== root)],
    checkDate: now,
  });
  const verdict = await chain.verify({}, pkiEngine);
  if (!verdict.result)
    throw new AppError('SEAL_CERTIFICATE_INVALID', 'The certificate chain in the file does not validate');
  // Intermediates first, the root last: what a reader needs to build the path.
  const ordered = [...cas.filter((c) => c !== root), ...(root === seal ? [] : [root])];
  return {
    certificatePem: toPem(der(seal)),
    chainPem: ordered.map((c) => toPem(der(c))).join(''),
    rootPem: toPem(der(root)),
    keyPkcs8,
    fingerprintSha256: crypto.createHash('sha256').update(der(seal)).digest('hex'),
    notAfter: seal.notAfter.value,
  };
}
