import crypto from 'node:crypto';
import { deriveKey } from '../platform/crypto-basics.ts';

/** A value that proves which master key this database was made with, without revealing it. */
export function masterKeyCheck(masterKey: Buffer): string {
  return crypto.createHmac('sha256', deriveKey(masterKey, 'master-key-check')).update('chambers').digest('hex');
}
