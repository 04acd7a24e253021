import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Signed tree heads. The signature covers the C2SP signed-note body
 * `<origin>\n<treeSize>\n<base64 root>\n` (a 'pruned' checkpoint adds the
 * extension line `pruned-below <n>\n`). Pure apart from the file helpers, so the
 * offline verifier shares it.
 */
export type Checkpoint = {
  kind: 'checkpoint' | 'pruned';
  origin: string;
  treeSize: number;
  /** base64 of the 32-byte RFC 9162 root. */
  rootHash: string;
  signedAt: string;
  keyId: string;
  /** base64 Ed25519 signature over noteBody(). */
  signature: string;
  prunedBelow?: number;
  /** 'pruned' only: base64 perfect-subtree hashes of leaves [0, treeSize). */
  peaks?: string[];
};

/** A row of audit.checkpoints as the database returns it. */
export type CheckpointRow = {
  tree_size: number;
  root_hash: Uint8Array;
  signed_at: Date;
  signature: Uint8Array;
  key_id: string;
  origin: string;
  kind: 'checkpoint' | 'pruned';
  pruned_below: number | null;
  peaks: Uint8Array[] | null;
};

export const CHECKPOINT_COLUMNS =
  'tree_size, root_hash, signed_at, signature, key_id, origin, kind, pruned_below, peaks';

export function checkpointFromRow(r: CheckpointRow): Checkpoint {
  return {
    kind: r.kind,
    origin: r.origin,
    treeSize: Number(r.tree_size),
    rootHash: Buffer.from(r.root_hash).toString('base64'),
    signedAt: new Date(r.signed_at).toISOString(),
    keyId: r.key_id,
    signature: Buffer.from(r.signature).toString('base64'),
    ...(r.kind === 'pruned'
      ? { prunedBelow: Number(r.pruned_below), peaks: (r.peaks ?? []).map((p) => Buffer.from(p).toString('base64')) }
      : {}),
  };
}

export function noteBody(cp: Pick<Checkpoint, 'origin' | 'treeSize' | 'rootHash' | 'kind' | 'prunedBelow'>): string {
  const ext = cp.kind === 'pruned' ? `pruned-below ${cp.prunedBelow ?? 0}\n` : '';
  return `${cp.origin}\n${cp.treeSize}\n${cp.rootHash}\n${ext}`;
}

export function signCheckpoint(
  key: { privateKey: crypto.KeyObject; keyId: string },
  fields: {
    origin: string;
    treeSize: number;
    root: Uint8Array;
    signedAt: Date;
    kind?: 'checkpoint' | 'pruned';
    prunedBelow?: number;
    peaks?: Uint8Array[];
  },
): Checkpoint {
  const cp: Checkpoint = {
    kind: fields.kind ?? 'checkpoint',
    origin: fields.origin,
    treeSize: fields.treeSize,
    rootHash: Buffer.from(fields.root).toString('base64'),
    signedAt: fields.signedAt.toISOString(),
    keyId: key.keyId,
    signature: '',
    ...(fields.kind === 'pruned'
      ? {
          prunedBelow: fields.prunedBelow ?? fields.treeSize,
          peaks: (fields.peaks ?? []).map((p) => Buffer.from(p).toString('base64')),
        }
      : {}),
  };
  cp.signature = crypto.sign(null, Buffer.from(noteBody(cp), 'utf8'), key.privateKey).toString('base64');
  return cp;
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519PublicKey(raw: Uint8Array): crypto.KeyObject {
  if (raw.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  return crypto.createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** True iff the signature is a valid Ed25519 signature by `publicKeyRaw` over the checkpoint's note body. Never throws. */
export function verifyCheckpointSignature(cp: Checkpoint, publicKeyRaw: Uint8Array): boolean {
  try {
    return crypto.verify(
      null,
      Buffer.from(noteBody(cp), 'utf8'),
      ed25519PublicKey(publicKeyRaw),
      Buffer.from(cp.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** The origin line of this deployment's checkpoints. */
export function checkpointOrigin(publicUrl: string): string {
  let host = 'localhost';
  try {
    host = new URL(publicUrl).host;
  } catch {
    /* keep localhost */
  }
  return `chambers/${host}`;
}

export const checkpointFile = (dataDir: string): string => path.join(dataDir, 'audit', 'checkpoints.log');

/** Appends one JSON line per checkpoint to <data>/audit/checkpoints.log (directory 0700, file 0600), synced. */
export function appendCheckpointFile(dataDir: string, cp: Checkpoint): void {
  const file = checkpointFile(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(cp)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Every checkpoint in the file, oldest first; a torn last line (crash mid-write) is skipped. */
export function readCheckpointFile(dataDir: string): Checkpoint[] {
  const file = checkpointFile(dataDir);
  if (!fs.existsSync(file)) return [];
  const out: Checkpoint[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Checkpoint);
    } catch {
      /* torn line */
    }
  }
  return out;
}
