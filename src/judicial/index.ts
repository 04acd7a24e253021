/**
 * Judges' chambers: case files in the judicial store, isolated per judge by the database,
 * sealed under the judicial key. The module's public face: its repository is not exported,
 * so nothing outside src/judicial can read the store (judicial-boundary.test.ts).
 */
export { JUDICIAL_ERRORS } from './judicial.errors.ts';
export { judicialRoutes } from './judicial.routes.ts';
export { judicialStoreOf, openJudicialStore, type JudicialStore } from './judicial-store.ts';
export { unsafeJudicialBlobInUse } from './judicial-blobs.ts';
export { currentJudicialKek, unsafeRotateJudicialKey, type JudicialKeyRotation } from './judicial-key-rotation.ts';
export { readCaseDocumentForAnalysis, type AnalysisRead, type CaseDocumentForAnalysis } from './judicial-analysis.ts';
