/**
 * Every audit action, as one typed union: `record()` accepts nothing else, so a
 * typo or an ad-hoc action name fails the type check. Details are typed per action
 * where the shape is fixed; the rest take a few small scalars. Either way they are
 * checked at runtime too (`assertSafeDetails`): no content, no secrets.
 */

/** A detail value: small scalars only, never a document, prompt or object graph. */
export type DetailValue = string | number | boolean | null;
export type LooseDetails = Record<string, DetailValue>;

type Reason = { reason?: string };

/**
 * A free-text search, as the log may hold it: the query's length and a keyed hash
 * (search-query.ts), never its words: a search names a client or a matter as surely
 * as a document does. The same query in the same organization gives the same hash.
 */
export type SearchQueryDetails = { queryLength: number; queryHash: string; results?: number };

/** The details each action carries, where fixed. Keys never name a secret or content. */
export interface AuditDetailsByAction {
  'auth.register': { reason?: string; riskScore?: number; signals?: string };
  'auth.email_verified': Reason;
  'auth.login': {
    reason?: 'locked' | 'wrong_password' | 'unknown_user' | 'captcha';
    failures?: number;
    step?: 'mfa_required' | 'mfa_enrollment_required';
    trustedDevice?: boolean;
  };
  'auth.lockout': Record<string, never>;
  'auth.refresh': Reason;
  'auth.refresh_reuse_detected': Reason;
  'auth.logout': Record<string, never>;
  'auth.logout_all': { sessionsEnded: number };
  'auth.session_revoked': Record<string, never>;
  'auth.password_forgot': Record<string, never>;
  'auth.password_reset': Record<string, never>;
  'auth.password_change': { reason?: 'wrong_password'; sessionsEnded?: number };
  'auth.switch_org': { step?: 'mfa_required' | 'mfa_enrollment_required' };
  'auth.email_change_requested': { reason?: 'wrong_password' };
  'auth.email_change': Record<string, never>;
  'auth.handoff_issued': { audience: string };
  'auth.handoff_redeemed': Record<string, never>;
  'auth.passkey_login': Record<string, never>;
  'mfa.totp_enroll_started': Record<string, never>;
  'mfa.totp_enrolled': Record<string, never>;
  'mfa.totp_removed': Record<string, never>;
  'mfa.backup_codes_regenerated': Record<string, never>;
  'mfa.backup_code_used': Record<string, never>;
  'mfa.verify': { method?: string; attempts?: number };
  'mfa.step_up': { method?: string };
  'mfa.trusted_device_granted': Record<string, never>;
  'mfa.trusted_device_revoked': Record<string, never>;
  'mfa.passkey_registered': Record<string, never>;
  'mfa.passkey_removed': Record<string, never>;
  'org.create': { kind: 'firm' | 'court' };
  'org.settings_change': {
    mfaRequiredRoles: string;
    idleTimeoutMinutes: number | null;
    singleSession: boolean;
    previousIdle: number | null;
  };
  /** An org_admin hid the onboarding checklist (invite the team, MFA for lawyers, retention). */
  'org.onboarding_dismissed': Record<string, never>;
  'member.invite': { role: string };
  'member.join': { role: string };
  'member.role_change': { from: string; to: string };
  'member.remove': { role: string; sessionsEnded: number };
  'member.suspend': { role: string; sessionsEnded: number };
  'member.reactivate': { role: string };
  'invitation.revoke': { role: string };
  'admin.unlock': Record<string, never>;
  'admin.force_logout': { sessionsEnded: number };
  'matter.create': Record<string, never>;
  'matter.view': LooseDetails;
  'matter.update': LooseDetails;
  'matter.delete': Record<string, never>;
  'matter.archive': Record<string, never>;
  'matter.unarchive': Record<string, never>;
  'matter.close': Record<string, never>;
  'matter.reopen': Record<string, never>;
  /** One search over matters, clients and document names (src/search). */
  'workspace.search': SearchQueryDetails;
  /** The audit trail read as a CSV file (names resolved). */
  'audit.export_csv': { events: number };
  'matter.search': SearchQueryDetails;
  'document.search': SearchQueryDetails;
  'document.upload': LooseDetails;
  'document.view': LooseDetails;
  'document.download': LooseDetails;
  'document.delete': LooseDetails;
  'document.share': { linkId?: string; expiresAt?: string; expiresInDays?: number; protected?: boolean };
  'document.share_revoked': Record<string, never>;
  'document.share_opened': Record<string, never>;
  'document.infected': { scanner?: string };
  'document.upload_infected': LooseDetails;
  'document.version_upload': LooseDetails;
  'document.update': LooseDetails;
  'document.policy_change': LooseDetails;
  'document.legal_hold_set': LooseDetails;
  'document.legal_hold_lift': LooseDetails;
  'document.share_revoke': { linkId?: string };
  'share_link.access': { reason?: string };
  'matter.legal_hold_set': LooseDetails;
  'matter.legal_hold_lift': LooseDetails;
  'matter.wall_set': LooseDetails;
  'matter.wall_lift': LooseDetails;
  'ai.request': {
    tool: string;
    inputChars?: number;
    /** The answer's size ("output" is a forbidden detail word: the event would lose every detail). */
    answerChars?: number;
    model?: string;
    /** AI analysis (issue 16): which provider answered, how long it took, how many sources, and the fallback. */
    provider?: string;
    latencyMs?: number;
    docs?: number;
    /** Up to five further source ids (the first is the event's target), comma-separated. */
    moreDocs?: string;
    fallback?: boolean;
    unverifiedDropped?: number;
    /** 'judicial' when the sources are case documents of the judicial store (judge portal). */
    source?: string;
  };
  'ai.refused': { tool: string; rule?: string; classes?: string; docs?: number };
  /** An organization's own AI provider set or cleared (never the key). */
  'ai.settings': {
    provider?: string;
    model?: string;
    apiKeySet?: boolean;
    reviewLog?: boolean;
    reviewLogDays?: number;
  };
  'signing.request_created': { signers?: number };
  'signing.viewed': Record<string, never>;
  'signing.signed': Record<string, never>;
  'signing.declined': Record<string, never>;
  'signing.completed': Record<string, never>;
  'envelope.create': { recipients?: number; fields?: number };
  'envelope.send': { mailed?: number };
  'envelope.view': { recipientId?: string };
  'envelope.consent': { recipientId?: string; disclosureVersion?: string };
  'envelope.sign': { recipientId?: string; method?: string };
  'envelope.decline': { recipientId?: string };
  'envelope.void': Record<string, never>;
  'envelope.seal': { reason?: string; finalSha256?: string; timestamped?: boolean; attempts?: number };
  'envelope.seal_certificate_upload': { fingerprintSha256?: string; notAfter?: string };
  'envelope.remind': { reminded?: number };
  'envelope.settings_change': { allowBaselineB: boolean };
  'audit.export': { events: number; treeSize: number };
  'audit.stream': { after: number };
  'retention.purge': { prunedBelow: number; removed: number; generalDays: number; judicialDays: number };
  'retention.hold_set': Record<string, never>;
  'retention.hold_lifted': Record<string, never>;
  /** An organization's own, longer audit retention (null: back to the deployment periods). */
  'retention.audit_period_set': { days: number | null; previousDays: number | null };
  'webhook.create': { events?: number };
  'webhook.update': LooseDetails;
  'webhook.delete': Record<string, never>;
  'webhook.delivery_failed': { status?: number; attempts?: number };
  'webhook.secret_rotated': Record<string, never>;
  'webhook.integration_create': LooseDetails;
  'webhook.integration_delete': LooseDetails;
  'webhook.secret_rotate': LooseDetails;
  'webhook.received': { reason?: string; eventId?: string };
  'apikey.create': { scopes?: string };
  'apikey.revoke': Record<string, never>;
  // Judges' chambers (src/judicial): kept for the judicial retention in a court organization.
  'judicial.case_create': Record<string, never>;
  'judicial.clerks_set': { clerks: number };
  'judicial.hearing_create': Record<string, never>;
  'judicial.note_create': Record<string, never>;
  'judicial.order_draft': Record<string, never>;
  'judicial.order_issue': Record<string, never>;
  'judicial.document_upload': { size: number };
  'judicial.document_download': Record<string, never>;
  /** A case document read into memory for AI analysis in the judge's own request (src/ai); never its content. */
  'judicial.document_analyze': { tool: string; size: number };
  'judicial.document_delete': Record<string, never>;
  'judicial.document_upload_infected': { size: number; signature: string };
  'judicial.oversight_view': Record<string, never>;
  'privacy.export_requested': Record<string, never>;
  'privacy.export_ready': { files: number; bytes: number };
  'privacy.export_downloaded': Record<string, never>;
  'privacy.erasure': { reason?: string; memberships?: number; sessionsEnded?: number; auditKeyHeld?: boolean };
  'privacy.shred_reapplied': { entries: number };
  'retention.class_purge': { retentionClass: string; removed: number; olderThanDays: number };
  // The lawyer's workspace (issue 14): clients, parties, the conflict check, notes, tasks, deadlines, calendar feeds.
  'client.create': Record<string, never>;
  'client.update': { fields: string };
  'client.search': SearchQueryDetails;
  'client.contact_add': Record<string, never>;
  'client.contact_remove': Record<string, never>;
  /** A client's personal data exported for the person's access request (GDPR Art. 15). */
  'client.personal_data_export': Record<string, never>;
  /** A client's personal data erased (GDPR Art. 17): what became a pseudonym, as counts; or why it was refused. */
  'client.erase': { reason?: 'legal_hold'; contacts?: number; parties?: number; matters?: number };
  'matter.party_add': { client: boolean };
  /** The names checked, as one keyed hash (search-query.ts) and a count, never the names; what was found, as counts. */
  'conflict.check': { names: number; hits: number; exactHits: number; queryHash: string; queryLength: number };
  'matter.note_add': Record<string, never>;
  'matter.task_add': { assigned: boolean };
  'matter.task_update': { fields: string };
  'matter.deadline_add': { kind: 'deadline' | 'hearing' };
  'calendar.feed_create': Record<string, never>;
  'calendar.feed_revoke': Record<string, never>;
}

export type AuditAction = keyof AuditDetailsByAction;

/** Every action name at runtime (the same list as the type; the test keeps them equal). */
export const AUDIT_ACTIONS = Object.freeze([
  'auth.register',
  'auth.email_verified',
  'auth.login',
  'auth.lockout',
  'auth.refresh',
  'auth.refresh_reuse_detected',
  'auth.logout',
  'auth.logout_all',
  'auth.session_revoked',
  'auth.password_forgot',
  'auth.password_reset',
  'auth.password_change',
  'auth.switch_org',
  'auth.email_change_requested',
  'auth.email_change',
  'auth.handoff_issued',
  'auth.handoff_redeemed',
  'auth.passkey_login',
  'mfa.totp_enroll_started',
  'mfa.totp_enrolled',
  'mfa.totp_removed',
  'mfa.backup_codes_regenerated',
  'mfa.backup_code_used',
  'mfa.verify',
  'mfa.step_up',
  'mfa.trusted_device_granted',
  'mfa.trusted_device_revoked',
  'mfa.passkey_registered',
  'mfa.passkey_removed',
  'org.create',
  'org.settings_change',
  'org.onboarding_dismissed',
  'member.invite',
  'member.join',
  'member.role_change',
  'member.remove',
  'member.suspend',
  'member.reactivate',
  'invitation.revoke',
  'admin.unlock',
  'admin.force_logout',
  'matter.create',
  'matter.view',
  'matter.update',
  'matter.delete',
  'matter.archive',
  'matter.unarchive',
  'matter.close',
  'matter.reopen',
  'workspace.search',
  'audit.export_csv',
  'matter.search',
  'document.search',
  'document.upload',
  'document.view',
  'document.download',
  'document.delete',
  'document.share',
  'document.share_revoked',
  'document.share_opened',
  'document.infected',
  'document.upload_infected',
  'document.version_upload',
  'document.update',
  'document.policy_change',
  'document.legal_hold_set',
  'document.legal_hold_lift',
  'document.share_revoke',
  'share_link.access',
  'matter.legal_hold_set',
  'matter.legal_hold_lift',
  'matter.wall_set',
  'matter.wall_lift',
  'ai.request',
  'ai.refused',
  'ai.settings',
  'signing.request_created',
  'signing.viewed',
  'signing.signed',
  'signing.declined',
  'signing.completed',
  'envelope.create',
  'envelope.send',
  'envelope.view',
  'envelope.consent',
  'envelope.sign',
  'envelope.decline',
  'envelope.void',
  'envelope.seal',
  'envelope.seal_certificate_upload',
  'envelope.remind',
  'envelope.settings_change',
  'audit.export',
  'audit.stream',
  'retention.purge',
  'retention.hold_set',
  'retention.hold_lifted',
  'retention.audit_period_set',
  'webhook.create',
  'webhook.update',
  'webhook.delete',
  'webhook.delivery_failed',
  'webhook.secret_rotated',
  'webhook.integration_create',
  'webhook.integration_delete',
  'webhook.secret_rotate',
  'webhook.received',
  'apikey.create',
  'apikey.revoke',
  'judicial.case_create',
  'judicial.clerks_set',
  'judicial.hearing_create',
  'judicial.note_create',
  'judicial.order_draft',
  'judicial.order_issue',
  'judicial.document_upload',
  'judicial.document_download',
  'judicial.document_analyze',
  'judicial.document_delete',
  'judicial.document_upload_infected',
  'judicial.oversight_view',
  'privacy.export_requested',
  'privacy.export_ready',
  'privacy.export_downloaded',
  'privacy.erasure',
  'privacy.shred_reapplied',
  'retention.class_purge',
  'client.create',
  'client.update',
  'client.search',
  'client.contact_add',
  'client.contact_remove',
  'client.personal_data_export',
  'client.erase',
  'matter.party_add',
  'conflict.check',
  'matter.note_add',
  'matter.task_add',
  'matter.task_update',
  'matter.deadline_add',
  'calendar.feed_create',
  'calendar.feed_revoke',
] as const satisfies readonly AuditAction[]);

/** Words that never appear in a detail key: secrets and content stay out of the log. */
const FORBIDDEN_KEY_WORDS = new Set([
  'password',
  'passcode',
  'passphrase',
  'token',
  'code',
  'codes',
  'otp',
  'totp',
  'secret',
  'key',
  'credential',
  'cookie',
  'authorization',
  'content',
  'prompt',
  'text',
  'body',
  'output',
  'completion',
  'message',
  'document',
  'file',
  'bytes',
  'data',
]);
/** A detail string longer than this is content, not a fact about an event. */
export const MAX_DETAIL_STRING = 200;

export class AuditDetailsError extends Error {
  constructor(readonly keys: string[]) {
    super(`audit details may not carry ${keys.join(', ')}`);
    this.name = 'AuditDetailsError';
  }
}

const words = (key: string) =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/** Throws AuditDetailsError naming every detail key that may hold a secret or content, or whose value is not a small scalar. */
export function assertSafeDetails(details: unknown): void {
  if (details === undefined) return;
  if (details === null || typeof details !== 'object' || Array.isArray(details))
    throw new AuditDetailsError(['(details must be an object)']);
  const bad: string[] = [];
  for (const [k, v] of Object.entries(details as Record<string, unknown>)) {
    const scalar = v === null || ['string', 'number', 'boolean'].includes(typeof v);
    if (
      words(k).some((w) => FORBIDDEN_KEY_WORDS.has(w)) ||
      !scalar ||
      (typeof v === 'string' && v.length > MAX_DETAIL_STRING)
    )
      bad.push(k);
  }
  if (bad.length) throw new AuditDetailsError(bad);
}

export const isAuditAction = (a: unknown): a is AuditAction =>
  typeof a === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(a);
