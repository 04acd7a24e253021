/**
 * RFC 9162 / RFC 6962 Merkle tree: hashing, tree heads, inclusion and
 * consistency proofs. Dependency-free apart from `node:crypto` (SHA-256).
 */
export { HASH_SIZE, emptyRoot, hashEquals, isHash, leafHash, nodeHash } from './hash.ts';
export {
  CompactRange,
  MerkleAccumulator,
  isTreeSize,
  perfectSubtrees,
  rootFromLeafHashes,
  splitPoint,
  subtreeRootFromLeafHashes,
} from './tree.ts';
export type { NodeId } from './tree.ts';
export {
  consistencyProof,
  consistencyProofAsync,
  consistencyProofFromSubtrees,
  consistencyProofRanges,
  inclusionProof,
  inclusionProofAsync,
  inclusionProofFromSubtrees,
  inclusionProofRanges,
  rootFromInclusionProof,
  subtreeRootFromLeaves,
  subtreeRootFromNodes,
  subtreeRootFromNodesAsync,
  verifyConsistency,
  verifyInclusion,
} from './proofs.ts';
export type {
  AsyncNodeHashAtFn,
  AsyncSubtreeRootFn,
  LeafHashSource,
  NodeHashAtFn,
  SubtreeRange,
  SubtreeRootFn,
} from './proofs.ts';
export { BatchInclusionVerifier } from './batch-verify.ts';
export type { PathElement } from './batch-verify.ts';
export { rangeProofRanges, rootFromRangeProof } from './range-proof.ts';
