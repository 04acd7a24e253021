/**
 * Offline verification of an audit export: nothing but the bundle is needed (no
 * database, no network). Pure: the checkpoint's Ed25519 signature with the
 * bundle's public key, each event's leaf recomputed from its fields, and the
 * proofs against the signed root. Names the first bad event index.
 * Format 2 (bundle-v2.ts) is what exports write; format 1, an inclusion proof
 * per event, is still verified for bundles exported before it.
 */
import { BUNDLE_FORMAT_V2, verifyBundleV2Object, type AuditBundleV2, type BundleVerdict } from './bundle-v2.ts';
import { canonicalEventJson, type SealedEventFields } from '../audit/index.ts';
import {
  verifyCheckpointSignature,
  type Checkpoint,
  BatchInclusionVerifier,
  leafHash,
  type PathElement,
} from '../transparency/index.ts';

export type BundleEvent = SealedEventFields & { leaf?: string };
export type BundleProof = { seq: number; leafIndex: number; treeSize: number; path: string[] };

export type AuditBundleV1 = {
  format: 'chambers-audit-bundle/1';
  checkpoint: Checkpoint;
  publicKey: { keyId: string; algorithm: 'Ed25519'; publicKey: string };
  events: BundleEvent[];
  proofs: BundleProof[];
};

export type { BundleVerdict };

export function verifyBundle(input: unknown): BundleVerdict {
  if ((input as { format?: unknown } | null)?.format === BUNDLE_FORMAT_V2)
    return verifyBundleV2Object(input as Partial<AuditBundleV2>);
  return verifyBundleV1(input);
}

function verifyBundleV1(input: unknown): BundleVerdict {
  const problems: string[] = [];
  const fail = (index: number | null, problem: string, checked = 0): BundleVerdict => ({
    ok: false,
    checked,
    firstBadIndex: index,
    problems: [...problems, problem],
  });
  const b = input as Partial<AuditBundleV1> | null;
  if (!b || typeof b !== 'object' || b.format !== 'chambers-audit-bundle/1')
    return fail(null, `not a Chambers audit bundle (format ${BUNDLE_FORMAT_V2} or chambers-audit-bundle/1)`);
  const cp = b.checkpoint;
  const key = b.publicKey;
  if (!cp || !key || !Array.isArray(b.events) || !Array.isArray(b.proofs))
    return fail(null, 'the bundle lacks its checkpoint, public key, events or proofs');
  if (key.algorithm !== 'Ed25519') return fail(null, `unsupported key algorithm ${String(key.algorithm)}`);
  const raw = Buffer.from(String(key.publicKey), 'base64');
  if (raw.length !== 32) return fail(null, 'the public key is not 32 raw Ed25519 bytes');
  if (cp.kind !== 'checkpoint' || !verifyCheckpointSignature(cp, raw))
    return fail(null, 'the checkpoint signature does not verify with the bundle public key');
  const root = Buffer.from(cp.rootHash, 'base64');
  const proofs = new Map(b.proofs.map((p) => [p.seq, p]));
  // One verifier for the whole bundle: proofs in leaf order share their upper nodes.
  const verifier = new BatchInclusionVerifier(cp.treeSize, root);
  for (const [i, e] of b.events.entries()) {
    let json: string;
    try {
      json = canonicalEventJson(e);
    } catch (err) {
      return fail(i, `event ${i}: ${(err as Error).message}`, i);
    }
    if (e.leaf !== undefined && e.leaf !== json)
      return fail(i, `event ${i} (seq ${e.seq}): its fields do not match its leaf`, i);
    const proof = proofs.get(e.seq);
    if (!proof) return fail(i, `event ${i} (seq ${e.seq}): no inclusion proof`, i);
    if (proof.treeSize !== cp.treeSize || proof.leafIndex !== e.seq)
      return fail(i, `event ${i} (seq ${e.seq}): the proof is for another leaf or tree`, i);
    // Anything but a base64 hash where the verifier needs one fails the proof.
    const path = (Array.isArray(proof.path) ? proof.path : []) as PathElement[];
    if (!verifier.verify(e.seq, leafHash(Buffer.from(json, 'utf8')), path)) {
      return fail(
        i,
        `event ${i} (seq ${e.seq}): not included in the signed tree of size ${cp.treeSize}: it was changed`,
        i,
      );
    }
  }
  return { ok: true, checked: b.events.length, firstBadIndex: null, problems };
}
