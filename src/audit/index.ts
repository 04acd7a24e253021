/**
 * The append-only audit log: typed actions, canonical events, the group-commit writer.
 * The module's public face: other modules import from here, never from its files.
 */
export { type LooseDetails, type SearchQueryDetails } from './actions.ts';
export { searchQueryDetails } from './search-query.ts';
export { unsafeCountUnsealedEvents } from './audit-queue-depth.ts';
export {
  eventColumns,
  type EventRow,
  leafHashes,
  nextSeq,
  sealedLeafRows,
  sealedRows,
  toFields,
} from './audit.repository.ts';
export { type AuditLog, createAuditLog } from './audit.ts';
export { canonicalEventBytes, canonicalEventJson, type SealedEventFields } from './canonical-event.ts';
export {
  COMMITMENT_PREFIX,
  createPersonalDataSealer,
  type PersonalDataSealer,
  unsafeRevealPersonalData,
  unsafeShredPersonKey,
} from './personal-data.ts';
