import { Counter } from 'prom-client';
import type { AppContext } from '../context/index.ts';
import { publishWebhookEvent } from '../developer/index.ts';
import { closeBox, openBox, sha256Hex } from './box.ts';
import { currentDisclosure } from './disclosure.ts';
import { composeFinalPdf, type FlatField, sealPdf } from './pades.ts';
import { unsafeSealSigner } from './seal-certificate.ts';
import * as repo from './signatures.repository.ts';
import { checkedTimestampAuthority, TimestampUnavailableError } from './tsa-client.ts';

/** A worker holds the sealing lease this long; a crashed one's envelope is taken up again after it. */
const LEASE_MS = 2 * 60_000;
const RETRY_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

export const originalBinding = (envelopeId: string) => `chambers:envelope-original:${envelopeId}`;
export const finalBinding = (envelopeId: string) => `chambers:envelope-final:${envelopeId}`;

const delayedCounter = (ctx: AppContext): Counter => {
  const name = 'chambers_signature_sealing_delayed_total';
  return (
    (ctx.metrics.registry.getSingleMetric(name) as Counter | undefined) ??
    new Counter({
      name,
      help: 'Envelopes whose seal waited because every time-stamp authority failed',
      registers: [ctx.metrics.registry],
    })
  );
};

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export type SealOutcome = 'sealed' | 'delayed' | 'skipped';

/** The PAdES level of a seal and how the evidence words it. */
type SealPolicy = { level: 'B-T' | 'B-B'; text: string };
const POLICY = {
  timestamped: { level: 'B-T', text: 'B-T (RFC 3161 time-stamp from a configured TSA)' },
  noTsaConfigured: { level: 'B-B', text: 'B-B (no TSA_URLS configured)' },
  baselineAllowed: {
    level: 'B-B',
    text: 'B-B (every time-stamp authority failed; the organization allows sealing without a time-stamp)',
  },
} as const satisfies Record<string, SealPolicy>;

/**
 * Produces the one sealed file of a finished envelope. Exactly once: only the holder of the
 * lease (a conditional UPDATE) works, and the result is committed by a second conditional
 * UPDATE from pending/delayed to done, so a retry after a crash overwrites nothing and a
 * duplicate worker finds nothing to do. Without a valid time-stamp token (when TSAs are
 * configured) nothing is sealed: the envelope shows "sealing delayed" and is retried.
 */
export async function sealEnvelope(ctx: AppContext, envelopeId: string): Promise<SealOutcome> {
  const now = ctx.clock.now();
  if (!(await repo.unsafeTakeSealLease(ctx.db, envelopeId, now, LEASE_MS))) return 'skipped';
  const prepared = await repo.unsafeOwnerTx(ctx.db, async (tx) => {
    const env = await repo.findEnvelope(tx, envelopeId);
    if (!env) throw new Error('envelope vanished');
    const recipients = await repo.listRecipients(tx, [envelopeId]);
    const fields = await repo.listFields(tx, envelopeId);
    const signatures = new Map((await repo.findSignatureValues(tx, envelopeId)).map((s) => [s.id, s]));
    const orig = await repo.findOriginal(tx, envelopeId);
    const dataKey = await ctx.orgKeyring.unwrapDataKey(
      tx,
      env.org_id,
      orig.original_wrapped_key,
      orig.original_org_key_version,
    );
    const original = openBox(dataKey, orig.original_box, originalBinding(envelopeId));
    dataKey.fill(0);
    const signer = await unsafeSealSigner(ctx, tx, env.org_id);
    const organization = await repo.orgName(tx, env.org_id);
    const allowsBaselineB = await repo.allowsBaselineB(tx, env.org_id);
    return { env, recipients, fields, signatures, original, signer, organization, allowsBaselineB };
  });
  const { env, recipients, fields, signatures, original, signer, organization, allowsBaselineB } = prepared;
  if (sha256Hex(original) !== env.document_sha256) throw new Error('original PDF does not match its recorded SHA-256');

  const disclosure = currentDisclosure();
  const evidenceFor = (policy: SealPolicy) => ({
    envelopeId,
    title: env.title,
    organization,
    documentSha256: env.document_sha256,
    sealedAt: now.toISOString(),
    level: policy.level,
    timestampPolicy: policy.text,
    recipients: recipients.map((r) => ({
      name: r.name,
      email: r.email,
      role: r.role,
      consent: r.consented_at
        ? {
            disclosureVersion: r.disclosure_version,
            disclosureSha256: r.disclosure_sha256,
            at: iso(r.consented_at),
            ip: r.consent_ip,
            userAgent: r.consent_user_agent,
          }
        : null,
      viewedAt: iso(r.viewed_at),
      viewIp: r.view_ip,
      signedAt: iso(r.signed_at),
      signIp: r.sign_ip,
      signUserAgent: r.sign_user_agent,
      declinedAt: iso(r.declined_at),
      declineReason: r.decline_reason,
      method: r.signature_method,
    })),
    disclosure: { version: disclosure.version, sha256: disclosure.sha256 },
  });
  const linesFor = (policy: SealPolicy) => [
    'Signature evidence',
    `Envelope ${envelopeId}: ${env.title}`,
    `Organization: ${organization}`,
    `Original document SHA-256: ${env.document_sha256}`,
    `Completed: ${now.toISOString()}   Time-stamp: ${policy.text}`,
    `Disclosure ${disclosure.version}, SHA-256 ${disclosure.sha256}`,
    '',
    ...recipients.flatMap((r, i) => [
      `${i + 1}. ${r.name} <${r.email}> - ${r.role}`,
      `   consent: ${iso(r.consented_at) ?? '-'} (disclosure ${r.disclosure_version ?? '-'}, ${r.disclosure_sha256 ?? '-'})`,
      `   viewed: ${iso(r.viewed_at) ?? '-'}   signed: ${iso(r.signed_at) ?? '-'}   declined: ${iso(r.declined_at) ?? '-'}`,
      `   method: ${r.signature_method ?? '-'}   ip: ${r.sign_ip ?? r.consent_ip ?? r.view_ip ?? '-'}`,
      `   user agent: ${r.sign_user_agent ?? r.consent_user_agent ?? r.view_user_agent ?? '-'}`,
      '',
    ]),
    `The complete evidence record is attached to this file as chambers-evidence.json and covered by the seal.`,
  ];
  const flat: FlatField[] = fields.map((f) => {
    const s = signatures.get(f.recipient_id);
    const signature =
      s?.signature_method === 'typed' && s.signature_value
        ? { method: 'typed' as const, text: s.signature_value }
        : s?.signature_method === 'drawn' && s.signature_value
          ? { method: 'drawn' as const, png: Buffer.from(s.signature_value, 'base64') }
          : null;
    return { kind: f.kind, page: f.page, x: f.x, y: f.y, width: f.width, height: f.height, value: f.value, signature };
  });
  const compose = (policy: SealPolicy) =>
    composeFinalPdf(original, flat, {
      lines: linesFor(policy),
      json: Buffer.from(JSON.stringify(evidenceFor(policy), null, 2)),
      at: now,
    });
  const reason = `Sealed by Chambers for ${organization}`;

  const tsa = ctx.config.tsaUrls.length ? checkedTimestampAuthority(ctx.config.tsaUrls, () => ctx.clock.now()) : null;
  let policy: SealPolicy = tsa ? POLICY.timestamped : POLICY.noTsaConfigured;
  let sealed: Uint8Array;
  try {
    sealed = await sealPdf(await compose(policy), { signer, tsa: tsa?.authority ?? null, signingTime: now, reason });
  } catch (err) {
    const timestampFailed =
      err instanceof TimestampUnavailableError || (err as Error).name === 'TimestampError' || tsa !== null;
    if (!timestampFailed) throw err;
    if (!allowsBaselineB) {
      await delay(ctx, envelopeId, err as Error);
      return 'delayed';
    }
    // The organization chose B-B over waiting: sealed now without time, and the evidence says so.
    policy = POLICY.baselineAllowed;
    ctx.logger.warn(
      { envelopeId, reason: (err as Error).message },
      'every time-stamp authority failed; sealed B-B as the organization allows',
    );
    sealed = await sealPdf(await compose(policy), { signer, tsa: null, signingTime: now, reason });
  }
  const evidence = evidenceFor(policy);
  const finalSha256 = sha256Hex(sealed);
  const accepted = tsa?.accepted() ?? null;
  const committed = await repo.unsafeOwnerTx(ctx.db, async (tx) => {
    const { dataKey, wrappedDataKey, orgKeyVersion } = await ctx.orgKeyring.newDataKey(tx, env.org_id);
    const box = closeBox(dataKey, sealed, finalBinding(envelopeId));
    dataKey.fill(0);
    const locked = await repo.findEnvelope(tx, envelopeId, { forUpdate: true });
    if (!locked || locked.seal_state === 'done' || locked.status === 'voided') return false;
    await repo.markEnvelope(tx, envelopeId, {
      seal_state: 'done',
      status: 'completed',
      completed_at: now,
      final_box: box,
      final_wrapped_key: wrappedDataKey,
      final_org_key_version: orgKeyVersion,
      final_sha256: finalSha256,
      final_size: sealed.length,
      finalized_at: now,
      timestamp_gen_time: accepted?.genTime ?? null,
      timestamp_tsa: accepted ? new URL(accepted.tsa).host : null,
      evidence: JSON.stringify(evidence),
      seal_lease_until: null,
      seal_next_at: null,
    });
    await repo.insertEvent(tx, {
      orgId: env.org_id,
      envelopeId,
      kind: 'seal',
      details: { finalSha256, timestamped: Boolean(accepted), level: policy.level },
    });
    await publishWebhookEvent(tx, env.org_id, 'envelope.completed', {
      envelopeId,
      documentId: env.document_id,
      finalSha256,
    });
    return true;
  });
  if (!committed) return 'skipped';
  await ctx.audit.record({
    action: 'envelope.seal',
    outcome: 'success',
    orgId: env.org_id,
    actorId: null,
    target: envelopeId,
    details: { finalSha256, timestamped: Boolean(accepted) },
    ip: null,
    userAgent: null,
    requestId: null,
  });
  return 'sealed';
}

async function delay(ctx: AppContext, envelopeId: string, err: Error): Promise<void> {
  const now = ctx.clock.now();
  const attempts = await repo.unsafeOwnerTx(ctx.db, async (tx) => {
    const env = await repo.findEnvelope(tx, envelopeId, { forUpdate: true });
    if (!env || env.seal_state === 'done') return null;
    const row = await tx
      .withTables<import('./signatures.tables.ts').SignaturesDB>()
      .selectFrom('chambers.envelopes')
      .select('seal_attempts')
      .where('id', '=', envelopeId)
      .executeTakeFirstOrThrow();
    const wait = RETRY_MS[Math.min(row.seal_attempts - 1, RETRY_MS.length - 1)] ?? RETRY_MS[0]!;
    await repo.markEnvelope(tx, envelopeId, {
      seal_state: 'delayed',
      seal_lease_until: null,
      seal_next_at: new Date(now.getTime() + wait),
    });
    await repo.insertEvent(tx, {
      orgId: env.org_id,
      envelopeId,
      kind: 'seal_delayed',
      details: { attempts: row.seal_attempts },
    });
    return { attempts: row.seal_attempts, orgId: env.org_id };
  });
  if (!attempts) return;
  delayedCounter(ctx).inc();
  ctx.logger.error(
    { envelopeId, attempts: attempts.attempts, reason: err.message },
    'sealing delayed: no time-stamp authority gave a valid token',
  );
  await ctx.audit.record({
    action: 'envelope.seal',
    outcome: 'failure',
    orgId: attempts.orgId,
    actorId: null,
    target: envelopeId,
    details: { reason: 'timestamp_unavailable', attempts: attempts.attempts },
    ip: null,
    userAgent: null,
    requestId: null,
  });
}

/** Seals every envelope whose turn has come (pending after a crash, or delayed for a TSA). */
export async function sealDueEnvelopes(ctx: AppContext): Promise<void> {
  for (const id of await repo.unsafeEnvelopesDueForSealing(ctx.db, ctx.clock.now())) {
    try {
      await sealEnvelope(ctx, id);
    } catch (err) {
      ctx.logger.error({ envelopeId: id, err: { message: (err as Error).message } }, 'sealing failed; retrying later');
    }
  }
}
