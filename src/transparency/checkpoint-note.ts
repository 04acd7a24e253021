import crypto from 'node:crypto';
import { noteBody, type Checkpoint } from './checkpoint.ts';

/**
 * A checkpoint as C2SP signed-note text: the note body, a blank line, and one
 * signature line `— <origin> <base64(4-byte key hash || Ed25519 signature)>`.
 * The body and signature are exactly those verifyCheckpointSignature checks.
 */
export function formatCheckpointNote(cp: Checkpoint, publicKeyRaw: Uint8Array): string {
  const keyHash = crypto
    .createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${cp.origin}\n`, 'utf8'), Buffer.from([0x01]), Buffer.from(publicKeyRaw)]))
    .digest()
    .subarray(0, 4);
  const sig = Buffer.concat([keyHash, Buffer.from(cp.signature, 'base64')]).toString('base64');
  return `${noteBody(cp)}\n\u2014 ${cp.origin} ${sig}\n`;
}

/** The fields of a note needed to verify it with verifyCheckpointSignature; null if it is not a checkpoint note. */
export function parseCheckpointNote(
  text: string,
): Pick<Checkpoint, 'origin' | 'treeSize' | 'rootHash' | 'kind' | 'prunedBelow' | 'signature'> | null {
  const split = text.indexOf('\n\n');
  if (split < 0) return null;
  const lines = text.slice(0, split).split('\n');
  const sigLine = /^\u2014 (\S+) (\S+)$/.exec(text.slice(split + 2).split('\n')[0] ?? '');
  const [origin, size, root, ext] = lines;
  if (!origin || !size || !root || !sigLine?.[2] || !/^\d+$/.test(size)) return null;
  const pruned = ext ? /^pruned-below (\d+)$/.exec(ext) : null;
  if (ext && !pruned) return null;
  const raw = Buffer.from(sigLine[2], 'base64');
  return {
    origin,
    treeSize: Number(size),
    rootHash: root,
    kind: pruned ? 'pruned' : 'checkpoint',
    ...(pruned ? { prunedBelow: Number(pruned[1]) } : {}),
    signature: raw.subarray(4).toString('base64'),
  };
}
