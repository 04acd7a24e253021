import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from '../platform/crypto-basics.ts';
import { StartupError, readPrivateFile, writePrivateFile } from '../platform/data-dir.ts';

/**
 * The judicial key-encryption key (KEK) and what it protects. It is separate from the
 * firm master key: CHAMBERS_JUDICIAL_MASTER_KEY, or `<data>/keys/judicial-master.key`
 * (0600, written at the first start). Every note, order body and case document has its
 * own 32-byte data key, wrapped by the KEK; both the wrap and the content are AES-256-GCM
 * bound to the record (kind and id), so a ciphertext or wrapped key moved to another
 * record does not open.
 */
export type JudicialKek = { key: Buffer; source: 'env' | 'file'; file: string };

export type SealedKind = 'note' | 'order' | 'document';

const FORMAT = 0x01;

export const judicialKeyFile = (dataDir: string): string => path.join(dataDir, 'keys', 'judicial-master.key');

/** Reads the judicial KEK, creating its file on the first start when the environment names none. */
export function loadJudicialKek(dataDir: string, fromEnv: Buffer | undefined): JudicialKek {
  const file = judicialKeyFile(dataDir);
  if (fromEnv) return { key: fromEnv, source: 'env', file };
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writePrivateFile(file, `${randomBytes(32).toString('base64')}\n`);
  }
  return { key: parseJudicialKey(readPrivateFile(file).toString('utf8'), file), source: 'file', file };
}

export function parseJudicialKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new StartupError(`${where} does not hold a 32-byte base64 judicial key`);
  return key;
}

/** The value stored in judicial.key_check: proves which KEK the store was sealed under, reveals nothing of it. */
export const judicialKeyCheck = (kek: Buffer): string =>
  crypto.createHmac('sha256', kek).update('chambers judicial key check v1').digest('hex');

function seal(key: Buffer, plaintext: Buffer, boundTo: string): Buffer {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(boundTo, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(FORMAT), iv, body, cipher.getAuthTag()]);
}

function open(key: Buffer, sealed: Buffer, boundTo: string): Buffer {
  if (sealed.length < 29 || sealed[0] !== FORMAT) throw new Error('judicial ciphertext: unknown format');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
  decipher.setAAD(Buffer.from(boundTo, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(13, sealed.length - 16)), decipher.final()]);
}

const keyBinding = (kind: SealedKind, id: string) => `chambers judicial data key:${kind}:${id}`;
const contentBinding = (kind: SealedKind, id: string) => `chambers judicial content:${kind}:${id}`;

/** A fresh data key for one record, and that key wrapped under the KEK. */
export function newDataKey(kek: Buffer, kind: SealedKind, id: string): { dataKey: Buffer; wrappedKey: Buffer } {
  const dataKey = randomBytes(32);
  return { dataKey, wrappedKey: seal(kek, dataKey, keyBinding(kind, id)) };
}

export function unwrapDataKey(kek: Buffer, kind: SealedKind, id: string, wrappedKey: Buffer): Buffer {
  return open(kek, wrappedKey, keyBinding(kind, id));
}

/** Moves one wrapped data key from the old KEK to the new one (rotation); the content is untouched. */
export function rewrapDataKey(oldKek: Buffer, newKek: Buffer, kind: SealedKind, id: string, wrapped: Buffer): Buffer {
  return seal(newKek, unwrapDataKey(oldKek, kind, id, wrapped), keyBinding(kind, id));
}

/** Seals a short text (a note, an order body) under its own data key. */
export function sealText(kek: Buffer, kind: SealedKind, id: string, text: string) {
  const { dataKey, wrappedKey } = newDataKey(kek, kind, id);
  return { ciphertext: seal(dataKey, Buffer.from(text, 'utf8'), contentBinding(kind, id)), wrappedKey };
}

export function openText(kek: Buffer, kind: SealedKind, id: string, ciphertext: Buffer, wrappedKey: Buffer): string {
  const dataKey = unwrapDataKey(kek, kind, id, wrappedKey);
  return open(dataKey, ciphertext, contentBinding(kind, id)).toString('utf8');
}
