import type { AppContext } from '../context/index.ts';
import { publishWebhookEvent } from '../developer/index.ts';
import type { RequestFacts } from '../access/index.ts';
import type { MailMessage } from '../platform/mail/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { Tx } from '../platform/db/index.ts';
import { openBox, sha256Hex, SIGNER_TOKEN_FORMAT } from './box.ts';
import { currentDisclosure } from './disclosure.ts';
import { advance, effectiveStatus } from './envelopes.service.ts';
import { originalBinding } from './finalize.ts';
import type { CompleteInput } from './signatures.schemas.ts';
import * as repo from './signatures.repository.ts';

/** What a signer step tells the route for its audit event and follow-ups. */
export type StepResult = {
  orgId: string;
  envelopeId: string;
  recipientId: string;
  mails: MailMessage[];
  seal: boolean;
};

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_PNG_BYTES = 256 * 1024;

/**
 * Opens the recipient a token names, inside an owner transaction with the envelope row
 * locked (so two signers of one envelope are serialized), and checks the link is still
 * good: unknown → 404; voided, declined, completed, expired envelope or a used link → 410.
 */
async function withRecipient<T>(
  ctx: AppContext,
  token: string,
  opts: { allowUsed?: boolean },
  fn: (tx: Tx, env: repo.EnvelopeRow, r: repo.RecipientRow) => Promise<T>,
): Promise<T> {
  if (!SIGNER_TOKEN_FORMAT.test(token)) throw notFound();
  const found = await repo.unsafeFindByTokenHash(ctx.db, sha256Hex(token));
  if (!found) throw notFound();
  return repo.unsafeOwnerTx(ctx.db, async (tx) => {
    const env = await repo.findEnvelope(tx, found.envelope_id, { forUpdate: true });
    const r = await repo.lockRecipient(tx, found.id);
    if (!env || !r) throw notFound();
    const now = ctx.clock.now();
    const status = effectiveStatus(env, now);
    if (status === 'expired' && env.status !== 'expired') {
      await repo.markEnvelope(tx, env.id, { status: 'expired' });
      await repo.insertEvent(tx, { orgId: env.org_id, envelopeId: env.id, kind: 'expire' });
    }
    const used = r.status === 'signed' || r.status === 'declined';
    if (used && opts.allowUsed) return fn(tx, env, r);
    if (status !== 'sent' || used) throw new AppError('ENVELOPE_CLOSED');
    if (r.status === 'waiting') throw new AppError('NOT_YOUR_TURN');
    return fn(tx, env, r);
  });
}

export async function openLink(ctx: AppContext, token: string, facts: RequestFacts) {
  let firstView: StepResult | null = null;
  const view = await withRecipient(ctx, token, {}, async (tx, env, r) => {
    if (!r.viewed_at) {
      await repo.updateRecipient(tx, r.id, {
        viewed_at: ctx.clock.now(),
        view_ip: facts.ip,
        view_user_agent: facts.userAgent,
        ...(r.status === 'sent' ? { status: 'viewed' } : {}),
      });
      await repo.insertEvent(tx, {
        orgId: env.org_id,
        envelopeId: env.id,
        recipientId: r.id,
        kind: 'view',
        ip: facts.ip,
        userAgent: facts.userAgent,
      });
      firstView = { orgId: env.org_id, envelopeId: env.id, recipientId: r.id, mails: [], seal: false };
    }
    const fields = (await repo.listFields(tx, env.id)).filter((f) => f.recipient_id === r.id);
    return {
      envelope: { title: env.title, organization: await repo.orgName(tx, env.org_id), message: env.message },
      recipient: { name: r.name, email: r.email, role: r.role },
      disclosure: currentDisclosure(),
      fields: fields.map((f) => ({
        id: f.id,
        type: f.kind,
        page: f.page,
        x: f.x,
        y: f.y,
        width: f.width,
        height: f.height,
        required: f.required,
      })),
      consented: r.consented_at !== null,
      status: r.viewed_at ? r.status : r.status === 'sent' ? ('viewed' as const) : r.status,
    };
  });
  return { view, firstView: firstView as StepResult | null };
}

export async function linkDocument(ctx: AppContext, token: string): Promise<{ title: string; bytes: Buffer }> {
  return withRecipient(ctx, token, {}, async (tx, env) => {
    const orig = await repo.findOriginal(tx, env.id);
    const key = await ctx.orgKeyring.unwrapDataKey(
      tx,
      env.org_id,
      orig.original_wrapped_key,
      orig.original_org_key_version,
    );
    try {
      return { title: env.title, bytes: openBox(key, orig.original_box, originalBinding(env.id)) };
    } finally {
      key.fill(0);
    }
  });
}

export async function consent(
  ctx: AppContext,
  token: string,
  version: string,
  facts: RequestFacts,
): Promise<StepResult | null> {
  return withRecipient(ctx, token, {}, async (tx, env, r) => {
    const disclosure = currentDisclosure();
    if (version !== disclosure.version) throw new AppError('DISCLOSURE_OUTDATED');
    if (r.consented_at) return null;
    await repo.updateRecipient(tx, r.id, {
      consented_at: ctx.clock.now(),
      consent_ip: facts.ip,
      consent_user_agent: facts.userAgent,
      disclosure_version: disclosure.version,
      disclosure_sha256: disclosure.sha256,
    });
    await repo.insertEvent(tx, {
      orgId: env.org_id,
      envelopeId: env.id,
      recipientId: r.id,
      kind: 'consent',
      ip: facts.ip,
      userAgent: facts.userAgent,
      details: { disclosureVersion: disclosure.version, disclosureSha256: disclosure.sha256 },
    });
    return { orgId: env.org_id, envelopeId: env.id, recipientId: r.id, mails: [], seal: false };
  });
}

function drawnPng(value: string): string {
  const b64 = value.replace(/^data:image\/png;base64,/, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new AppError('SIGNATURE_INVALID');
  const png = Buffer.from(b64, 'base64');
  if (png.length > MAX_PNG_BYTES || png.length < 60 || !png.subarray(0, 8).equals(PNG_MAGIC))
    throw new AppError('SIGNATURE_INVALID');
  return png.toString('base64');
}

/**
 * Signs (or approves). A second submit of a signed link answers as the first did
 * (idempotent), changing nothing. The last signer's transaction marks the envelope for
 * sealing with a conditional update under the envelope's row lock: exactly once.
 */
export async function complete(
  ctx: AppContext,
  token: string,
  input: CompleteInput,
  facts: RequestFacts,
): Promise<StepResult | null> {
  return withRecipient(ctx, token, { allowUsed: true }, async (tx, env, r) => {
    if (r.status === 'signed') return null;
    if (r.status === 'declined') throw new AppError('ENVELOPE_CLOSED');
    if (r.role === 'viewer') throw new AppError('NOT_YOUR_TURN');
    if (!r.consented_at) throw new AppError('CONSENT_REQUIRED');
    const fields = (await repo.listFields(tx, env.id)).filter((f) => f.recipient_id === r.id);
    const given = new Map(input.fields.map((f) => [f.id, f.value]));
    for (const id of given.keys()) if (!fields.some((f) => f.id === id)) throw new AppError('FIELD_INVALID');
    let method: 'typed' | 'drawn' | 'approval' = 'approval';
    let signatureValue: string | null = null;
    if (input.signature) {
      method = input.signature.kind;
      if (method === 'typed') {
        signatureValue = input.signature.value.trim().slice(0, 200);
        if (!signatureValue) throw new AppError('SIGNATURE_REQUIRED');
      } else signatureValue = drawnPng(input.signature.value);
    }
    if (r.role === 'signer' && !signatureValue) throw new AppError('SIGNATURE_REQUIRED');
    const values: Array<[string, string]> = [];
    for (const f of fields) {
      if (f.kind === 'signature' || f.kind === 'initials') {
        if (f.required && !signatureValue) throw new AppError('SIGNATURE_REQUIRED');
        continue;
      }
      const raw = given.get(f.id);
      if (f.kind === 'date' && raw === undefined) {
        values.push([f.id, ctx.clock.now().toISOString().slice(0, 10)]);
        continue;
      }
      if (raw === undefined || raw === '' || (f.kind === 'checkbox' && f.required && raw !== true && raw !== 'true')) {
        if (f.required) throw new AppError('FIELD_REQUIRED');
        continue;
      }
      if (f.kind === 'checkbox') values.push([f.id, raw === true || raw === 'true' ? 'true' : 'false']);
      else if (typeof raw === 'string') values.push([f.id, raw.slice(0, f.kind === 'date' ? 50 : 500)]);
      else throw new AppError('FIELD_INVALID');
    }
    for (const [id, value] of values) await repo.setFieldValue(tx, id, r.id, value);
    await repo.updateRecipient(tx, r.id, {
      status: 'signed',
      signed_at: ctx.clock.now(),
      sign_ip: facts.ip,
      sign_user_agent: facts.userAgent,
      signature_method: method,
      signature_value: signatureValue,
    });
    await repo.insertEvent(tx, {
      orgId: env.org_id,
      envelopeId: env.id,
      recipientId: r.id,
      kind: 'sign',
      ip: facts.ip,
      userAgent: facts.userAgent,
      details: { method },
    });
    const recipients = await repo.listRecipients(tx, [env.id]);
    const allDone = recipients.every((x) => x.role === 'viewer' || x.status === 'signed');
    let seal = false;
    let mails: MailMessage[] = [];
    if (allDone) {
      if (!env.seal_state) {
        await repo.markEnvelope(tx, env.id, { seal_state: 'pending', seal_next_at: ctx.clock.now() });
        seal = true;
      }
    } else mails = await advance(tx, ctx, env.id);
    return { orgId: env.org_id, envelopeId: env.id, recipientId: r.id, mails, seal };
  });
}

export async function decline(
  ctx: AppContext,
  token: string,
  reason: string,
  facts: RequestFacts,
): Promise<StepResult | null> {
  return withRecipient(ctx, token, { allowUsed: true }, async (tx, env, r) => {
    if (r.status === 'declined') return null;
    if (r.status === 'signed') throw new AppError('ENVELOPE_CLOSED');
    await repo.updateRecipient(tx, r.id, {
      status: 'declined',
      declined_at: ctx.clock.now(),
      decline_reason: reason,
      decline_ip: facts.ip,
      decline_user_agent: facts.userAgent,
    });
    await repo.markEnvelope(tx, env.id, { status: 'declined' });
    await publishWebhookEvent(tx, env.org_id, 'envelope.declined', { envelopeId: env.id, documentId: env.document_id });
    await repo.insertEvent(tx, {
      orgId: env.org_id,
      envelopeId: env.id,
      recipientId: r.id,
      kind: 'decline',
      ip: facts.ip,
      userAgent: facts.userAgent,
    });
    return { orgId: env.org_id, envelopeId: env.id, recipientId: r.id, mails: [], seal: false };
  });
}
