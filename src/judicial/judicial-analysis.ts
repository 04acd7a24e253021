import type { FastifyRequest } from 'fastify';
import { actorOf, inRequestTenant, principalOf, requestFacts } from '../access/index.ts';
import type { AppContext } from '../context/index.ts';
import { AppError } from '../platform/errors.ts';
import { openDocument, unlockDocument } from './judicial-documents.service.ts';
import type { JudicialDocumentView } from './judicial.schemas.ts';
import { openJudicialStore } from './judicial-store.ts';

/**
 * The one door through which another module (AI analysis) reads a case document: in the
 * caller's own judicial request, so the store's policies decide (another judge's document,
 * or one of a case not shared with this clerk, is a 404 like one that does not exist). The
 * plaintext is held in memory only and handed back; nothing is written, and the judicial
 * audit log records who read which document for which tool, never what it says.
 */
export type CaseDocumentForAnalysis = JudicialDocumentView & {
  /** The plaintext. The caller zeroes it once it has what it needs (`bytes.fill(0)`). */
  bytes: Buffer;
};

export type AnalysisRead = {
  /** The tool the document is read for (recorded in the audit event). */
  tool: string;
  /**
   * Called with the document's metadata before any byte is decrypted: the caller refuses a type
   * or a size it cannot analyze here (by throwing), so nothing is read in vain.
   */
  accept: (doc: JudicialDocumentView) => void;
};

export async function readCaseDocumentForAnalysis(
  ctx: AppContext,
  request: FastifyRequest,
  documentId: string,
  read: AnalysisRead,
): Promise<CaseDocumentForAnalysis> {
  // The chambers' own rule (judicial.routes.ts): judges and clerks work with a second factor.
  const principal = principalOf(request);
  if ((principal.role === 'judge' || principal.role === 'clerk') && principal.aal < 2)
    throw new AppError('JUDICIAL_MFA_REQUIRED');
  const store = await openJudicialStore(ctx);
  const unlocked = await inRequestTenant(store.db, request, (tx) => unlockDocument(tx, store.kek.key, documentId));
  const { blobKey: _blobKey, dataKey, ...view } = unlocked;
  const chunks: Buffer[] = [];
  try {
    read.accept(view);
    const body = await openDocument(ctx, unlocked);
    for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (err) {
    for (const c of chunks) c.fill(0);
    throw err;
  } finally {
    dataKey.fill(0);
  }
  const bytes = Buffer.concat(chunks);
  for (const c of chunks) c.fill(0);
  const actor = actorOf(request);
  await ctx.audit.record({
    action: 'judicial.document_analyze',
    outcome: 'success',
    orgId: actor.orgId,
    actorId: actor.userId,
    target: view.id,
    details: { tool: read.tool, size: view.size },
    ...requestFacts(request),
  });
  return { ...view, bytes };
}
