/**
 * The RFC 9162 Merkle tree over the audit log: sealing, signed checkpoints, their mirror, verification.
 * The module's public face: other modules import from here, never from its files.
 */
export { BLOCK_SIZE, type LeafFetcher } from './audit-tree.ts';
export { type CheckpointMirror, createCheckpointMirror } from './checkpoint-mirror.ts';
export {
  type Checkpoint,
  CHECKPOINT_COLUMNS,
  checkpointFile,
  checkpointFromRow,
  type CheckpointRow,
  noteBody,
  readCheckpointFile,
  verifyCheckpointSignature,
} from './checkpoint.ts';
export {
  BatchInclusionVerifier,
  consistencyProofRanges,
  HASH_SIZE,
  hashEquals,
  inclusionProofRanges,
  leafHash,
  type PathElement,
  rangeProofRanges,
} from './merkle/index.ts';
export { rootFromRangeProof } from './merkle/range-proof.ts';
export { type AuditSealer, createAuditSealer } from './sealer.ts';
export { unsafeLoadCheckpoints, unsafeVerifyLiveLog } from './sealer.repository.ts';
export { type LogVerdict } from './verify-log.ts';
