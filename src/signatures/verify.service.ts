import type { AppContext } from '../context/index.ts';
import { pemToDer } from './seal-keys.ts';
import { verifyPdf, type PdfVerdict } from './pdf-verify.ts';
import * as repo from './signatures.repository.ts';

/**
 * The public verifier: trusts the roots of every Chambers seal chain of this installation,
 * and says whether the exact file (by SHA-256) is one Chambers sealed.
 */
export async function verifyUpload(ctx: AppContext, bytes: Buffer) {
  const roots = (await repo.unsafeTrustedRoots(ctx.db)).flatMap((pem) => pemToDer(pem));
  const verdict: PdfVerdict = await verifyPdf(bytes, { trustedRoots: roots });
  const known = await repo.unsafeFindSealedByHash(ctx.db, verdict.sha256);
  return {
    verdict: verdict.verdict,
    reasons: verdict.reasons,
    signedAt: verdict.signedAt,
    sealedBy: verdict.sealedBy,
    timestamp: verdict.timestamp,
    envelopeId: known?.id ?? verdict.envelopeId,
    knownToChambers: Boolean(known),
  };
}
