import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AppContext } from '../context/index.ts';
import { publishWebhookEvent } from '../developer/index.ts';
import { liveDocument, openPlaintext } from '../documents/index.ts';
import type { MailMessage } from '../platform/mail/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { Tx } from '../platform/db/index.ts';
import { closeBox, newSignerToken, openBox, sha256Hex } from './box.ts';
import { finalBinding, originalBinding } from './finalize.ts';
import { fieldOnPage, inspectPdf } from './pdf-inspect.ts';
import type { CreateEnvelopeInput, EnvelopeView } from './signatures.schemas.ts';
import * as repo from './signatures.repository.ts';

type Actor = { orgId: string; userId: string };
/** The largest PDF sent for signature: it is held in memory while sealing. */
const MAX_PDF_BYTES = 50 * 1024 * 1024;
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
    if (n > limit) {
      stream.destroy();
      throw new AppError('PAYLOAD_TOO_LARGE');
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

/** An envelope's status as of now: an open one past its expiry reads as expired. */
export function effectiveStatus(env: { status: string; expires_at: Date }, now: Date): EnvelopeView['status'] {
  if ((env.status === 'sent' || env.status === 'draft') && new Date(env.expires_at) <= now) return 'expired';
  return env.status as EnvelopeView['status'];
}

export function toView(env: repo.EnvelopeRow, recipients: repo.RecipientRow[], now: Date): EnvelopeView {
  return {
    id: env.id,
    title: env.title,
    documentId: env.document_id,
    status: effectiveStatus(env, now),
    sealing: env.seal_state,
    order: env.signing_order,
    documentSha256: env.document_sha256,
    finalSha256: env.final_sha256,
    expiresAt: new Date(env.expires_at).toISOString(),
    createdAt: new Date(env.created_at).toISOString(),
    recipients: recipients
      .filter((r) => r.envelope_id === env.id)
      .map((r) => ({
        id: r.id,
        name: r.name,
        email: r.email,
        role: r.role,
        position: r.position,
        status: r.status,
        consentedAt: iso(r.consented_at),
        viewedAt: iso(r.viewed_at),
        signedAt: iso(r.signed_at),
        declinedAt: iso(r.declined_at),
        declineReason: r.decline_reason,
        ip: r.decline_ip ?? r.sign_ip ?? r.consent_ip ?? r.view_ip,
        userAgent: r.decline_user_agent ?? r.sign_user_agent ?? r.consent_user_agent ?? r.view_user_agent,
      })),
  };
}

/**
 * Prepares an envelope: the document's current version must be a PDF that opens, is not
 * encrypted and has pages; every field must lie on its page and belong to a recipient who
 * acts. The PDF is frozen into the envelope (re-boxed under a fresh data key), so a new
 * version of the document later changes nothing of what was sent for signature.
 */
export async function createEnvelope(tx: Tx, ctx: AppContext, actor: Actor, input: CreateEnvelopeInput) {
  const doc = await liveDocument(tx, input.documentId);
  const version = await repo.findDocumentVersion(tx, input.documentId, doc.current_version);
  if (!version?.wrapped_data_key) throw notFound();
  if (version.content_type !== 'application/pdf')
    throw new AppError('UNSUPPORTED_DOCUMENT', 'Only a PDF can be sent for signature');
  if (Number(version.size) > MAX_PDF_BYTES) throw new AppError('PAYLOAD_TOO_LARGE');
  const key = await ctx.orgKeyring.unwrapDataKey(tx, version.org_id, version.wrapped_data_key, version.org_key_version);
  const bytes = await readAll(await openPlaintext(ctx, version, key), MAX_PDF_BYTES);
  const { pages } = await inspectPdf(bytes);
  for (const f of input.fields) {
    const who = input.recipients[f.recipient];
    if (!who || who.role === 'viewer') throw new AppError('FIELD_RECIPIENT_INVALID');
    if (!fieldOnPage(pages, f)) throw new AppError('FIELD_OFF_PAGE');
  }
  const id = randomUUID();
  const { dataKey, wrappedDataKey, orgKeyVersion } = await ctx.orgKeyring.newDataKey(tx, actor.orgId);
  const box = closeBox(dataKey, bytes, originalBinding(id));
  dataKey.fill(0);
  await repo.insertEnvelope(tx, {
    id,
    orgId: actor.orgId,
    documentId: input.documentId,
    documentVersion: doc.current_version,
    title: input.title,
    message: input.message ?? null,
    order: input.order,
    expiresAt: new Date(ctx.clock.now().getTime() + input.expiresInDays * 86_400_000),
    documentSha256: sha256Hex(bytes),
    pageCount: pages.length,
    originalBox: box,
    originalWrappedKey: wrappedDataKey,
    originalOrgKeyVersion: orgKeyVersion,
    createdBy: actor.userId,
  });
  const recipientIds = input.recipients.map(() => randomUUID());
  await repo.insertRecipients(
    tx,
    input.recipients.map((r, i) => ({
      id: recipientIds[i]!,
      orgId: actor.orgId,
      envelopeId: id,
      position: i + 1,
      name: r.name,
      email: r.email.toLowerCase(),
      role: r.role,
    })),
  );
  await repo.insertFields(
    tx,
    input.fields.map((f) => ({
      orgId: actor.orgId,
      envelopeId: id,
      recipientId: recipientIds[f.recipient]!,
      kind: f.type,
      page: f.page,
      x: f.x,
      y: f.y,
      width: f.width,
      height: f.height,
      required: f.required,
    })),
  );
  await repo.insertEvent(tx, { orgId: actor.orgId, envelopeId: id, kind: 'create', details: { by: actor.userId } });
  return { id, status: 'draft' as const };
}

export const signerMail = (
  to: string,
  name: string,
  org: string,
  title: string,
  message: string | null,
  link: string,
  expires: Date,
): MailMessage => ({
  to,
  kind: 'envelope.sign_request',
  subject: `${org} asks you to sign: ${title}`.slice(0, 200),
  text:
    `Hello ${name},\n\n${org} sent you "${title}" to review and sign electronically.\n` +
    (message ? `\nMessage from the sender:\n${message}\n` : '') +
    `\nOpen the document: ${link}\n\nThe link is personal; do not forward it. It works until ${expires.toISOString().slice(0, 10)}.\n`,
});

/**
 * Issues links to every recipient whose turn it is: all at once in parallel order; in
 * sequential order the first who has not acted (viewers are told in their turn and do not
 * hold up the next). Returns the mails to send once the transaction has committed.
 */
export async function advance(tx: Tx, ctx: AppContext, envelopeId: string): Promise<MailMessage[]> {
  const env = await repo.findEnvelope(tx, envelopeId);
  if (!env) return [];
  const recipients = await repo.listRecipients(tx, [envelopeId]);
  const due: repo.RecipientRow[] = [];
  for (const r of recipients) {
    if (r.status === 'signed') continue;
    if (r.status === 'waiting') due.push(r);
    if (env.signing_order === 'sequential' && r.role !== 'viewer') break;
  }
  const org = await repo.orgName(tx, env.org_id);
  const now = ctx.clock.now();
  const mails: MailMessage[] = [];
  for (const r of due) {
    const token = newSignerToken();
    await repo.issueRecipientLink(tx, r.id, sha256Hex(token), now);
    await repo.insertEvent(tx, { orgId: env.org_id, envelopeId, recipientId: r.id, kind: 'mail' });
    mails.push(
      signerMail(
        r.email,
        r.name,
        org,
        env.title,
        env.message,
        `${ctx.config.publicUrl}/sign/${token}`,
        new Date(env.expires_at),
      ),
    );
  }
  return mails;
}

export async function sendEnvelope(tx: Tx, ctx: AppContext, actor: Actor, id: string): Promise<MailMessage[]> {
  const env = await repo.findEnvelope(tx, id, { forUpdate: true });
  if (!env) throw notFound();
  if (effectiveStatus(env, ctx.clock.now()) !== 'draft') throw new AppError('ENVELOPE_NOT_DRAFT');
  await repo.setEnvelopeStatus(tx, id, ['draft'], { status: 'sent', sentAt: ctx.clock.now() });
  await repo.insertEvent(tx, { orgId: actor.orgId, envelopeId: id, kind: 'send', details: { by: actor.userId } });
  await publishWebhookEvent(tx, actor.orgId, 'envelope.sent', { envelopeId: id, documentId: env.document_id });
  return advance(tx, ctx, id);
}

export async function listEnvelopes(tx: Tx, ctx: AppContext, documentId?: string): Promise<EnvelopeView[]> {
  const envs = await repo.listEnvelopes(tx, documentId);
  const recipients = await repo.listRecipients(
    tx,
    envs.map((e) => e.id),
  );
  return envs.map((e) => toView(e, recipients, ctx.clock.now()));
}

export async function getEnvelope(tx: Tx, ctx: AppContext, id: string): Promise<EnvelopeView> {
  const env = await repo.findEnvelope(tx, id);
  if (!env) throw notFound();
  return toView(env, await repo.listRecipients(tx, [id]), ctx.clock.now());
}

export async function voidEnvelope(tx: Tx, ctx: AppContext, actor: Actor, id: string, reason: string) {
  const env = await repo.findEnvelope(tx, id, { forUpdate: true });
  if (!env) throw notFound();
  const status = effectiveStatus(env, ctx.clock.now());
  if ((status !== 'draft' && status !== 'sent') || env.seal_state) throw new AppError('ENVELOPE_NOT_OPEN');
  await repo.setEnvelopeStatus(tx, id, ['draft', 'sent'], {
    status: 'voided',
    voidedAt: ctx.clock.now(),
    voidReason: reason,
  });
  await repo.insertEvent(tx, { orgId: actor.orgId, envelopeId: id, kind: 'void', details: { by: actor.userId } });
  return { status: 'voided' as const };
}

export async function sealedFile(tx: Tx, ctx: AppContext, id: string): Promise<{ title: string; bytes: Buffer }> {
  const row = await repo.findFinalFile(tx, id);
  if (!row) throw notFound();
  if (!row.final_box || !row.final_wrapped_key || row.final_org_key_version === null)
    throw new AppError('ENVELOPE_NOT_COMPLETED');
  const key = await ctx.orgKeyring.unwrapDataKey(tx, row.org_id, row.final_wrapped_key, row.final_org_key_version);
  try {
    return { title: row.title, bytes: openBox(key, row.final_box, finalBinding(id)) };
  } finally {
    key.fill(0);
  }
}

type StoredEvidence = {
  envelopeId: string;
  documentSha256: string;
  sealedAt: string;
  recipients: Array<Record<string, unknown>>;
};

export async function evidence(tx: Tx, id: string) {
  const env = await repo.findEnvelope(tx, id);
  if (!env) throw notFound();
  const row = await repo.findFinalFile(tx, id);
  if (!row?.evidence || !env.final_sha256) throw new AppError('ENVELOPE_NOT_COMPLETED');
  const ev = (typeof row.evidence === 'string' ? JSON.parse(row.evidence) : row.evidence) as StoredEvidence;
  return {
    envelopeId: env.id,
    documentSha256: env.document_sha256,
    finalSha256: env.final_sha256,
    sealedAt: ev.sealedAt,
    timestamp: env.timestamp_gen_time
      ? { genTime: new Date(env.timestamp_gen_time).toISOString(), tsa: env.timestamp_tsa ?? '' }
      : null,
    recipients: ev.recipients as never,
  };
}

export async function certificate(tx: Tx, orgId: string) {
  const row = await repo.findActiveSealCertificate(tx, orgId);
  return row
    ? {
        certificatePem: row.certificate_pem,
        chainPem: row.chain_pem,
        fingerprintSha256: row.fingerprint_sha256,
        notAfter: new Date(row.not_after).toISOString(),
      }
    : null;
}

export async function signingSettings(tx: Tx, orgId: string) {
  return { allowBaselineB: await repo.allowsBaselineB(tx, orgId) };
}

export async function updateSigningSettings(tx: Tx, orgId: string, allowBaselineB: boolean) {
  await repo.setAllowsBaselineB(tx, orgId, allowBaselineB);
  return { allowBaselineB };
}

/** The root of the organization's active seal chain (PEM), or null before the first seal exists. */
export async function rootCertificate(tx: Tx, orgId: string): Promise<{ pem: string } | null> {
  const row = await repo.findActiveSealCertificate(tx, orgId);
  return row ? { pem: row.root_pem } : null;
}
