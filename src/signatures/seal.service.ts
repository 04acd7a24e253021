import type { AppContext } from '../context/index.ts';
import { sealDueEnvelopes, sealEnvelope, type SealOutcome } from './finalize.ts';
import { unsafeEnsureSealCertificate, unsafeInstallUploadedSeal } from './seal-certificate.ts';
import { parseSealPkcs12 } from './seal-upload.ts';
import { unsafeSendReminders } from './reminders.ts';
import { unsafeOwnerTx } from './signatures.repository.ts';

/** What the routes ask of sealing: seal one envelope now, the due ones (job), and make the seal certificate on first use. */
export const sealNow = (ctx: AppContext, envelopeId: string): Promise<SealOutcome> => sealEnvelope(ctx, envelopeId);

export const sealDue = (ctx: AppContext): Promise<void> => sealDueEnvelopes(ctx);

/** On the owner path: the runtime role never reads the key boxes. */
export async function unsafeEnsureCertificate(ctx: AppContext, orgId: string): Promise<void> {
  await unsafeOwnerTx(ctx.db, (tx) => unsafeEnsureSealCertificate(ctx, tx, orgId));
}

/** Reads and checks a CA-issued PKCS#12 outside any transaction, then installs it on the owner path. */
export async function unsafeUploadCertificate(
  ctx: AppContext,
  orgId: string,
  pkcs12: Buffer,
  password: string,
): Promise<{ fingerprintSha256: string; notAfter: Date }> {
  const seal = await parseSealPkcs12(pkcs12, password, ctx.clock.now());
  const made = { fingerprintSha256: seal.fingerprintSha256, notAfter: seal.notAfter };
  await unsafeOwnerTx(ctx.db, (tx) => unsafeInstallUploadedSeal(ctx, tx, orgId, seal));
  return made;
}

/** The reminder job: mails recipients who have not acted (owner path: it spans organizations). */
export const unsafeRemind = (ctx: AppContext): Promise<number> => unsafeSendReminders(ctx);
