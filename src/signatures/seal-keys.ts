import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiEngine } from './pki-engine.ts';

/** ECDSA P-256 with SHA-256: fast to make, small signatures, validated by Acrobat, pdfsig (NSS) and OpenSSL. */
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const subtle = crypto.webcrypto.subtle;

export type IssuedSeal = {
  certificatePem: string;
  rootPem: string;
  sealKeyPkcs8: Buffer;
  rootKeyPkcs8: Buffer;
  fingerprintSha256: string;
  notAfter: Date;
};

const OID = {
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  documentSigning: '1.3.6.1.5.5.7.3.36',
  adobeAuthenticDocuments: '1.2.840.113583.1.1.5',
} as const;

/**
 * A one-attribute name (CN, UTF8String): built as a structured value, so an organization
 * name cannot inject attributes. (pkijs would put several attributes in one multi-valued RDN.)
 */
function setName(target: pkijs.RelativeDistinguishedNames, cn: string): void {
  target.typesAndValues.push(
    new pkijs.AttributeTypeAndValue({ type: OID.commonName, value: new asn1js.Utf8String({ value: cn }) }),
  );
}

const ext = (extnID: string, critical: boolean, value: asn1js.AsnType) =>
  new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });

/** keyUsage bits, first octet (bit 0 = digitalSignature is the high bit). */
const keyUsage = (octet: number, unusedBits: number) =>
  new asn1js.BitString({ valueHex: new Uint8Array([octet]).buffer, unusedBits });

async function keyId(publicKey: CryptoKey): Promise<ArrayBuffer> {
  const spki = new pkijs.PublicKeyInfo();
  await spki.importKey(publicKey, pkiEngine);
  return crypto.createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest().buffer as ArrayBuffer;
}

async function makeCertificate(opts: {
  subject: string;
  issuer: pkijs.RelativeDistinguishedNames | null;
  publicKey: CryptoKey;
  signingKey: CryptoKey;
  issuerPublicKey: CryptoKey;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
}): Promise<pkijs.Certificate> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = certificateSerial();
  cert.serialNumber = new asn1js.Integer({ valueHex: serial.buffer.slice(serial.byteOffset, serial.byteOffset + 16) });
  setName(cert.subject, opts.subject);
  if (opts.issuer) cert.issuer = opts.issuer;
  else setName(cert.issuer, opts.subject);
  cert.notBefore.value = opts.notBefore;
  cert.notAfter.value = opts.notAfter;
  await cert.subjectPublicKeyInfo.importKey(opts.publicKey, pkiEngine);
  const extensions = [
    ext(
      OID.basicConstraints,
      true,
      new pkijs.BasicConstraints(opts.ca ? { cA: true, pathLenConstraint: 0 } : {}).toSchema(),
    ),
    // CA: keyCertSign | cRLSign. Seal: digitalSignature | nonRepudiation.
    ext(OID.keyUsage, true, opts.ca ? keyUsage(0x06, 1) : keyUsage(0xc0, 6)),
    ext(OID.subjectKeyId, false, new asn1js.OctetString({ valueHex: await keyId(opts.publicKey) })),
  ];
  if (!opts.ca) {
    extensions.push(
      ext(
        OID.extKeyUsage,
        false,
        new pkijs.ExtKeyUsage({ keyPurposes: [OID.documentSigning, OID.adobeAuthenticDocuments] }).toSchema(),
      ),
      ext(
        OID.authorityKeyId,
        false,
        new pkijs.AuthorityKeyIdentifier({
          keyIdentifier: new asn1js.OctetString({ valueHex: await keyId(opts.issuerPublicKey) }),
        }).toSchema(),
      ),
    );
  }
  cert.extensions = extensions;
  await cert.sign(opts.signingKey, 'SHA-256', pkiEngine);
  return cert;
}

/**
 * 16 random bytes whose DER INTEGER is already minimal and positive: the first byte lies in
 * 0x40–0x7f (126 random bits). A first byte of 0x00 followed by one below 0x80 is "illegal
 * padding" in DER, which OpenSSL refuses; masking only the sign bit made 1 certificate in 256 unreadable.
 */
export function certificateSerial() {
  const serial = crypto.randomBytes(16);
  serial[0] = 0x40 | ((serial[0] ?? 0) & 0x3f);
  return serial;
}

export const toPem = (der: ArrayBuffer | Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${(
    Buffer.from(der as ArrayBuffer)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END CERTIFICATE-----\n`;

const years = (now: Date, n: number) =>
  new Date(Date.UTC(now.getUTCFullYear() + n, now.getUTCMonth(), now.getUTCDate()));

/**
 * A private root CA and the organization's seal certificate under it, like a real chain:
 * the root (20 years) signs only certificates; the seal (5 years) signs documents.
 */
export async function issueSealCertificate(orgName: string, now: Date): Promise<IssuedSeal> {
  const name = orgName.trim().slice(0, 60) || 'Organization';
  const rootKeys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const sealKeys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(now.getTime() - 5 * 60_000);
  const root = await makeCertificate({
    subject: `${name} Chambers Root CA`,
    issuer: null,
    publicKey: rootKeys.publicKey,
    signingKey: rootKeys.privateKey,
    issuerPublicKey: rootKeys.publicKey,
    notBefore,
    notAfter: years(now, 20),
    ca: true,
  });
  const notAfter = years(now, 5);
  const seal = await makeCertificate({
    subject: `${name} document seal`,
    issuer: root.subject,
    publicKey: sealKeys.publicKey,
    signingKey: rootKeys.privateKey,
    issuerPublicKey: rootKeys.publicKey,
    notBefore,
    notAfter,
    ca: false,
  });
  const sealDer = seal.toSchema().toBER(false);
  return {
    certificatePem: toPem(sealDer),
    rootPem: toPem(root.toSchema().toBER(false)),
    sealKeyPkcs8: Buffer.from(await subtle.exportKey('pkcs8', sealKeys.privateKey)),
    rootKeyPkcs8: Buffer.from(await subtle.exportKey('pkcs8', rootKeys.privateKey)),
    fingerprintSha256: crypto.createHash('sha256').update(Buffer.from(sealDer)).digest('hex'),
    notAfter,
  };
}

/** How a seal key signs: ECDSA for generated and EC uploaded keys, RSASSA-PKCS1-v1_5 for uploaded RSA keys. */
export type SealKeyKind = { keyType: 'EC' | 'RSA'; algorithm: 'ECDSA' | 'RSASSA-PKCS1-v1_5' };

/** Imports a PKCS#8 seal key, non-extractable, for signing only; its kind is read from the key itself. */
export async function importSealKey(pkcs8: Buffer): Promise<{ key: CryptoKey; kind: SealKeyKind }> {
  const parsed = crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  if (parsed.asymmetricKeyType === 'rsa') {
    const key = await subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    return { key, kind: { keyType: 'RSA', algorithm: 'RSASSA-PKCS1-v1_5' } };
  }
  const namedCurve = parsed.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'P-384' : 'P-256';
  const key = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve }, false, ['sign']);
  return { key, kind: { keyType: 'EC', algorithm: 'ECDSA' } };
}

export const pemToDer = (pem: string): Uint8Array[] =>
  pem
    .split(/-----END CERTIFICATE-----/)
    .map((b) => b.replace(/-----BEGIN CERTIFICATE-----/, '').replace(/\s+/g, ''))
    .filter(Boolean)
    .map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
