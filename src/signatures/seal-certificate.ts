import { randomUUID } from 'node:crypto';
import { CryptoKeySigner, type Signer } from '@libpdf/core';
import type { AppContext } from '../context/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { closeBox, openBox } from './box.ts';
import * as repo from './signatures.repository.ts';
import { importSealKey, issueSealCertificate, pemToDer } from './seal-keys.ts';
import type { UploadedSeal } from './seal-upload.ts';

const keyBinding = (certId: string, which: 'seal' | 'root') => `chambers:seal-key:${which}:${certId}`;

/**
 * The organization's seal certificate, made on first use: a private root CA and a seal
 * certificate under it. Both private keys go into the database only boxed under a data key
 * that the organization key wraps (itself under the master key). Concurrent first uses
 * end with one certificate: the partial unique index lets one insert win, and everyone
 * reads the winner. Runs on the owner path (sealing has no tenant).
 */
export async function unsafeEnsureSealCertificate(ctx: AppContext, tx: Tx, orgId: string) {
  const existing = await repo.unsafeSealKeyRow(tx, orgId);
  if (existing) return existing;
  const issued = await issueSealCertificate(await repo.orgName(tx, orgId), ctx.clock.now());
  const id = randomUUID();
  const { dataKey, wrappedDataKey, orgKeyVersion } = await ctx.orgKeyring.newDataKey(tx, orgId);
  try {
    await repo.unsafeInsertSealCertificate(tx, {
      id,
      orgId,
      source: 'generated',
      certificatePem: issued.certificatePem,
      chainPem: issued.rootPem,
      rootPem: issued.rootPem,
      fingerprintSha256: issued.fingerprintSha256,
      notAfter: issued.notAfter,
      keyBox: closeBox(dataKey, issued.sealKeyPkcs8, keyBinding(id, 'seal')),
      rootKeyBox: closeBox(dataKey, issued.rootKeyPkcs8, keyBinding(id, 'root')),
      wrappedDataKey,
      orgKeyVersion,
    });
  } finally {
    dataKey.fill(0);
    issued.sealKeyPkcs8.fill(0);
    issued.rootKeyPkcs8.fill(0);
  }
  const row = await repo.unsafeSealKeyRow(tx, orgId);
  if (!row) throw new Error('seal certificate vanished after insert');
  return row;
}

/** A @libpdf/core signer over the organization's seal key (imported non-extractable, never written out). */
export async function unsafeSealSigner(ctx: AppContext, tx: Tx, orgId: string): Promise<Signer> {
  const row = await unsafeEnsureSealCertificate(ctx, tx, orgId);
  const dataKey = await ctx.orgKeyring.unwrapDataKey(tx, orgId, row.wrapped_data_key, row.org_key_version);
  let pkcs8: Buffer;
  try {
    pkcs8 = openBox(dataKey, row.key_box, keyBinding(row.id, 'seal'));
  } finally {
    dataKey.fill(0);
  }
  const { key, kind } = await importSealKey(pkcs8);
  pkcs8.fill(0);
  const [cert] = pemToDer(row.certificate_pem);
  if (!cert) throw new Error('seal certificate unreadable');
  return new CryptoKeySigner(key, cert, kind.keyType, kind.algorithm, pemToDer(row.chain_pem));
}

/**
 * Replaces the organization's seal with a CA-issued one (from parseSealPkcs12). The current
 * row is retired, not deleted: its root stays a trust anchor of the verifier, so files
 * sealed before still verify. The private key is boxed like a generated one.
 */
export async function unsafeInstallUploadedSeal(ctx: AppContext, tx: Tx, orgId: string, seal: UploadedSeal) {
  const id = randomUUID();
  const { dataKey, wrappedDataKey, orgKeyVersion } = await ctx.orgKeyring.newDataKey(tx, orgId);
  try {
    await repo.unsafeRetireSealCertificates(tx, orgId, ctx.clock.now());
    await repo.unsafeInsertSealCertificate(tx, {
      id,
      orgId,
      source: 'uploaded',
      certificatePem: seal.certificatePem,
      chainPem: seal.chainPem,
      rootPem: seal.rootPem,
      fingerprintSha256: seal.fingerprintSha256,
      notAfter: seal.notAfter,
      keyBox: closeBox(dataKey, seal.keyPkcs8, keyBinding(id, 'seal')),
      rootKeyBox: null,
      wrappedDataKey,
      orgKeyVersion,
    });
  } finally {
    dataKey.fill(0);
    seal.keyPkcs8.fill(0);
  }
}
