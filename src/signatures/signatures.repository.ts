import { sql } from 'kysely';
import { type Database, unsafeWithOwner, type Tx } from '../platform/db/index.ts';
import type { EventKind, SignaturesDB } from './signatures.tables.ts';

/** All SQL of electronic signature. Tenant functions run under RLS; `unsafe…` ones on the owner path. */
const q = (tx: Tx) => tx.withTables<SignaturesDB>();

export type EnvelopeRow = Awaited<ReturnType<typeof findEnvelope>> & object;
export type RecipientRow = Awaited<ReturnType<typeof listRecipients>>[number];
export type FieldRow = Awaited<ReturnType<typeof listFields>>[number];

const ENVELOPE_COLUMNS = [
  'id',
  'org_id',
  'document_id',
  'document_version',
  'title',
  'message',
  'signing_order',
  'status',
  'expires_at',
  'document_sha256',
  'page_count',
  'created_by',
  'created_at',
  'sent_at',
  'completed_at',
  'voided_at',
  'void_reason',
  'seal_state',
  'final_sha256',
  'finalized_at',
  'timestamp_gen_time',
  'timestamp_tsa',
] as const;

const RECIPIENT_COLUMNS = [
  'id',
  'org_id',
  'envelope_id',
  'position',
  'name',
  'email',
  'role',
  'status',
  'sent_at',
  'viewed_at',
  'view_ip',
  'view_user_agent',
  'consented_at',
  'consent_ip',
  'consent_user_agent',
  'disclosure_version',
  'disclosure_sha256',
  'signed_at',
  'sign_ip',
  'sign_user_agent',
  'signature_method',
  'declined_at',
  'decline_reason',
  'decline_ip',
  'decline_user_agent',
] as const;

/** The vault version an envelope freezes: its key material to read the bytes once. */
export async function findDocumentVersion(tx: Tx, documentId: string, version: number) {
  return tx
    .selectFrom('chambers.document_versions')
    .select(['id', 'org_id', 'size', 'sha256', 'content_type', 'blob_key', 'wrapped_data_key', 'org_key_version'])
    .where('document_id', '=', documentId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function insertEnvelope(
  tx: Tx,
  row: {
    id: string;
    orgId: string;
    documentId: string;
    documentVersion: number;
    title: string;
    message: string | null;
    order: 'sequential' | 'parallel';
    expiresAt: Date;
    documentSha256: string;
    pageCount: number;
    originalBox: Buffer;
    originalWrappedKey: Buffer;
    originalOrgKeyVersion: number;
    createdBy: string;
  },
): Promise<void> {
  await q(tx)
    .insertInto('chambers.envelopes')
    .values({
      id: row.id,
      org_id: row.orgId,
      document_id: row.documentId,
      document_version: row.documentVersion,
      title: row.title,
      message: row.message,
      signing_order: row.order,
      expires_at: row.expiresAt,
      document_sha256: row.documentSha256,
      page_count: row.pageCount,
      original_box: row.originalBox,
      original_wrapped_key: row.originalWrappedKey,
      original_org_key_version: row.originalOrgKeyVersion,
      created_by: row.createdBy,
    })
    .execute();
}

export async function insertRecipients(
  tx: Tx,
  rows: Array<{
    id: string;
    orgId: string;
    envelopeId: string;
    position: number;
    name: string;
    email: string;
    role: 'signer' | 'approver' | 'viewer';
  }>,
): Promise<void> {
  await q(tx)
    .insertInto('chambers.envelope_recipients')
    .values(
      rows.map((r) => ({
        id: r.id,
        org_id: r.orgId,
        envelope_id: r.envelopeId,
        position: r.position,
        name: r.name,
        email: r.email,
        role: r.role,
      })),
    )
    .execute();
}

export async function insertFields(
  tx: Tx,
  rows: Array<{
    orgId: string;
    envelopeId: string;
    recipientId: string;
    kind: 'signature' | 'initials' | 'date' | 'text' | 'checkbox';
    page: number;
    x: number;
    y: number;
    width: number;
    height: number;
    required: boolean;
  }>,
): Promise<void> {
  if (!rows.length) return;
  await q(tx)
    .insertInto('chambers.envelope_fields')
    .values(
      rows.map((f) => ({
        org_id: f.orgId,
        envelope_id: f.envelopeId,
        recipient_id: f.recipientId,
        kind: f.kind,
        page: f.page,
        x: f.x,
        y: f.y,
        width: f.width,
        height: f.height,
        required: f.required,
      })),
    )
    .execute();
}

export async function insertEvent(
  tx: Tx,
  e: {
    orgId: string;
    envelopeId: string;
    recipientId?: string | null;
    kind: EventKind;
    ip?: string | null;
    userAgent?: string | null;
    details?: Record<string, unknown>;
    at?: Date;
  },
): Promise<void> {
  await q(tx)
    .insertInto('chambers.envelope_events')
    .values({
      org_id: e.orgId,
      envelope_id: e.envelopeId,
      recipient_id: e.recipientId ?? null,
      kind: e.kind,
      ip: e.ip ?? null,
      user_agent: e.userAgent?.slice(0, 512) ?? null,
      details: JSON.stringify(e.details ?? {}),
      ...(e.at ? { at: e.at } : {}),
    })
    .execute();
}

export async function findEnvelope(tx: Tx, id: string, opts: { forUpdate?: boolean } = {}) {
  let query = q(tx).selectFrom('chambers.envelopes').select(ENVELOPE_COLUMNS).where('id', '=', id);
  if (opts.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listEnvelopes(tx: Tx, documentId?: string) {
  let query = q(tx).selectFrom('chambers.envelopes').select(ENVELOPE_COLUMNS).orderBy('created_at', 'desc').limit(200);
  if (documentId) query = query.where('document_id', '=', documentId);
  return query.execute();
}

export async function listRecipients(tx: Tx, envelopeIds: string[]) {
  if (!envelopeIds.length) return [];
  return q(tx)
    .selectFrom('chambers.envelope_recipients')
    .select(RECIPIENT_COLUMNS)
    .where('envelope_id', 'in', envelopeIds)
    .orderBy('position')
    .execute();
}

export async function listFields(tx: Tx, envelopeId: string) {
  return q(tx)
    .selectFrom('chambers.envelope_fields')
    .select(['id', 'recipient_id', 'kind', 'page', 'x', 'y', 'width', 'height', 'required', 'value'])
    .where('envelope_id', '=', envelopeId)
    .orderBy('page')
    .orderBy('id')
    .execute();
}

export async function setEnvelopeStatus(
  tx: Tx,
  id: string,
  from: string[],
  set: { status: 'sent' | 'voided' | 'expired'; sentAt?: Date; voidedAt?: Date; voidReason?: string },
): Promise<boolean> {
  const res = await q(tx)
    .updateTable('chambers.envelopes')
    .set({
      status: set.status,
      ...(set.sentAt ? { sent_at: set.sentAt } : {}),
      ...(set.voidedAt ? { voided_at: set.voidedAt, void_reason: set.voidReason ?? null } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', from as Array<'draft'>)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Gives a recipient a fresh link: the token's hash, and 'sent'. */
export async function issueRecipientLink(tx: Tx, recipientId: string, tokenHash: string, at: Date): Promise<void> {
  await q(tx)
    .updateTable('chambers.envelope_recipients')
    .set({ token_hash: tokenHash, status: 'sent', sent_at: at })
    .where('id', '=', recipientId)
    .where('status', '=', 'waiting')
    .execute();
}

export async function orgName(tx: Tx, orgId: string): Promise<string> {
  const row = await tx.selectFrom('chambers.organizations').select('name').where('id', '=', orgId).executeTakeFirst();
  return row?.name ?? 'Chambers';
}

export async function findFinalFile(tx: Tx, id: string) {
  return q(tx)
    .selectFrom('chambers.envelopes')
    .select([
      'id',
      'org_id',
      'title',
      'status',
      'final_box',
      'final_wrapped_key',
      'final_org_key_version',
      'final_sha256',
      'evidence',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findActiveSealCertificate(tx: Tx, orgId: string) {
  return q(tx)
    .selectFrom('chambers.seal_certificates')
    .select(['id', 'certificate_pem', 'chain_pem', 'root_pem', 'fingerprint_sha256', 'not_after'])
    .where('org_id', '=', orgId)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
}

// ---- Owner path: the public signer routes, sealing, and the public verifier. ----

/** The recipient a link's token hash names, with its envelope: the whole authority of a signer. */
export async function unsafeFindByTokenHash(db: Database, tokenHash: string) {
  return unsafeWithOwner(db, async (tx) => {
    const r = await q(tx)
      .selectFrom('chambers.envelope_recipients')
      .select(RECIPIENT_COLUMNS)
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return r ?? null;
  });
}

/** Runs `fn` on the owner path (signer steps and sealing cross no tenant but have none set). */
export function unsafeOwnerTx<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return unsafeWithOwner(db, fn);
}

export async function lockRecipient(tx: Tx, id: string) {
  return q(tx)
    .selectFrom('chambers.envelope_recipients')
    .select(RECIPIENT_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateRecipient(tx: Tx, id: string, set: Partial<Record<string, unknown>>): Promise<void> {
  await q(tx)
    .updateTable('chambers.envelope_recipients')
    .set(set as never)
    .where('id', '=', id)
    .execute();
}

export async function setFieldValue(tx: Tx, fieldId: string, recipientId: string, value: string): Promise<void> {
  await q(tx)
    .updateTable('chambers.envelope_fields')
    .set({ value })
    .where('id', '=', fieldId)
    .where('recipient_id', '=', recipientId)
    .execute();
}

export async function markEnvelope(tx: Tx, id: string, set: Partial<Record<string, unknown>>): Promise<void> {
  await q(tx)
    .updateTable('chambers.envelopes')
    .set(set as never)
    .where('id', '=', id)
    .execute();
}

export async function findSignatureValues(tx: Tx, envelopeId: string) {
  return q(tx)
    .selectFrom('chambers.envelope_recipients')
    .select(['id', 'signature_method', 'signature_value'])
    .where('envelope_id', '=', envelopeId)
    .execute();
}

export async function findOriginal(tx: Tx, id: string) {
  return q(tx)
    .selectFrom('chambers.envelopes')
    .select(['id', 'org_id', 'original_box', 'original_wrapped_key', 'original_org_key_version'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

/**
 * Takes the sealing lease: exactly one worker wins the conditional UPDATE while the
 * envelope waits to be sealed and no live lease is held; a crashed worker's lease runs out.
 */
export async function unsafeTakeSealLease(db: Database, id: string, now: Date, leaseMs: number): Promise<boolean> {
  return unsafeWithOwner(db, async (tx) => {
    const res = await q(tx)
      .updateTable('chambers.envelopes')
      .set({
        seal_lease_until: new Date(now.getTime() + leaseMs),
        seal_attempts: sql<number>`seal_attempts + 1`,
      })
      .where('id', '=', id)
      .where('seal_state', 'in', ['pending', 'delayed'])
      .where((eb) => eb.or([eb('seal_lease_until', 'is', null), eb('seal_lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  });
}

export async function unsafeEnvelopesDueForSealing(db: Database, now: Date): Promise<string[]> {
  return unsafeWithOwner(db, async (tx) =>
    (
      await q(tx)
        .selectFrom('chambers.envelopes')
        .select('id')
        .where('seal_state', 'in', ['pending', 'delayed'])
        .where((eb) => eb.or([eb('seal_next_at', 'is', null), eb('seal_next_at', '<=', now)]))
        .limit(20)
        .execute()
    ).map((r) => r.id),
  );
}

/** Roots of every Chambers seal chain (trust anchors of the verifier) and the lookup of a sealed file's hash. */
export async function unsafeTrustedRoots(db: Database): Promise<string[]> {
  return unsafeWithOwner(db, async (tx) =>
    (await q(tx).selectFrom('chambers.seal_certificates').select('root_pem').execute()).map((r) => r.root_pem),
  );
}

export async function unsafeFindSealedByHash(db: Database, sha256: string) {
  return unsafeWithOwner(db, async (tx) =>
    q(tx).selectFrom('chambers.envelopes').select(['id']).where('final_sha256', '=', sha256).executeTakeFirst(),
  );
}

export async function unsafeSealKeyRow(tx: Tx, orgId: string) {
  return q(tx)
    .selectFrom('chambers.seal_certificates')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
}

export async function unsafeInsertSealCertificate(
  tx: Tx,
  row: {
    id: string;
    orgId: string;
    source: 'generated' | 'uploaded';
    certificatePem: string;
    chainPem: string;
    rootPem: string;
    fingerprintSha256: string;
    notAfter: Date;
    keyBox: Buffer;
    rootKeyBox: Buffer | null;
    wrappedDataKey: Buffer;
    orgKeyVersion: number;
  },
): Promise<void> {
  await q(tx)
    .insertInto('chambers.seal_certificates')
    .values({
      id: row.id,
      org_id: row.orgId,
      source: row.source,
      certificate_pem: row.certificatePem,
      chain_pem: row.chainPem,
      root_pem: row.rootPem,
      fingerprint_sha256: row.fingerprintSha256,
      not_after: row.notAfter,
      key_box: row.keyBox,
      root_key_box: row.rootKeyBox,
      wrapped_data_key: row.wrappedDataKey,
      org_key_version: row.orgKeyVersion,
    })
    .onConflict((oc) => oc.column('org_id').where('retired_at', 'is', null).doNothing())
    .execute();
}

/** Retires the organization's active seal (kept: its root still anchors files sealed before). */
export async function unsafeRetireSealCertificates(tx: Tx, orgId: string, at: Date): Promise<void> {
  await q(tx)
    .updateTable('chambers.seal_certificates')
    .set({ retired_at: at })
    .where('org_id', '=', orgId)
    .where('retired_at', 'is', null)
    .execute();
}

/** Every organization's active seal that ends before `before` (readiness and doctor warn about them). */
export async function unsafeSealsExpiringBefore(db: Database, before: Date) {
  return unsafeWithOwner(db, async (tx) =>
    q(tx)
      .selectFrom('chambers.seal_certificates')
      .select(['org_id', 'fingerprint_sha256', 'not_after'])
      .where('retired_at', 'is', null)
      .where('not_after', '<', before)
      .orderBy('not_after')
      .limit(50)
      .execute(),
  );
}

/** Recipients whose turn it is, who have not acted since their last mail, in open and unexpired envelopes. */
export async function unsafeRecipientsDueForReminder(db: Database, now: Date, afterMs: number, maxReminders: number) {
  const cutoff = new Date(now.getTime() - afterMs);
  return unsafeWithOwner(db, async (tx) =>
    q(tx)
      .selectFrom('chambers.envelope_recipients as r')
      .innerJoin('chambers.envelopes as e', 'e.id', 'r.envelope_id')
      .innerJoin('chambers.organizations as o', 'o.id', 'r.org_id')
      .select([
        'r.id',
        'r.org_id',
        'r.envelope_id',
        'r.name',
        'r.email',
        'r.reminders',
        'e.title',
        'e.message',
        'e.expires_at',
        'o.name as organization',
      ])
      .where('e.status', '=', 'sent')
      .where('e.seal_state', 'is', null)
      .where('e.expires_at', '>', now)
      .where('r.status', 'in', ['sent', 'viewed'])
      .where('r.role', '<>', 'viewer')
      .where('r.reminders', '<', maxReminders)
      .where((eb) => eb(eb.fn.coalesce('r.reminded_at', 'r.sent_at'), '<', cutoff))
      .where((eb) => eb.or([eb('r.viewed_at', 'is', null), eb('r.viewed_at', '<', cutoff)]))
      .orderBy('r.sent_at')
      .limit(200)
      .execute(),
  );
}

/** Claims one reminder: a fresh link for the recipient, only if nobody reminded them meanwhile. */
export async function claimReminder(
  tx: Tx,
  recipientId: string,
  seenReminders: number,
  tokenHash: string,
  at: Date,
): Promise<boolean> {
  const res = await q(tx)
    .updateTable('chambers.envelope_recipients')
    .set({ token_hash: tokenHash, reminded_at: at, reminders: seenReminders + 1 })
    .where('id', '=', recipientId)
    .where('reminders', '=', seenReminders)
    .where('status', 'in', ['sent', 'viewed'])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The organization's signature settings live in its settings document under these keys. */
const ALLOW_BASELINE_B = 'signatureAllowBaselineB';

/** Whether the organization lets an envelope be sealed B-B when every time-stamp authority fails. */
export async function allowsBaselineB(tx: Tx, orgId: string): Promise<boolean> {
  const row = await sql<{ allowed: string | null }>`
    SELECT settings->>${ALLOW_BASELINE_B} AS allowed FROM chambers.organizations WHERE id = ${orgId}`.execute(tx);
  return row.rows[0]?.allowed === 'true';
}

/** Sets that one key, merged into the settings document (other modules' keys stay as they are). */
export async function setAllowsBaselineB(tx: Tx, orgId: string, allowed: boolean): Promise<void> {
  await sql`UPDATE chambers.organizations
    SET settings = settings || jsonb_build_object(${ALLOW_BASELINE_B}::text, ${allowed}::boolean)
    WHERE id = ${orgId}`.execute(tx);
}
