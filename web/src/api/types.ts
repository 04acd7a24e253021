export type Role = 'org_admin' | 'lawyer' | 'judge' | 'reviewer' | 'super_admin';
export type Org = { id: string; name: string; kind: 'firm' | 'court'; role: Role };
export type Me = {
  user: { id: string; email: string; name: string; mfa: { totp: boolean; webauthn: number } };
  org: Org | null;
  role: Role | null;
  portal: 'lawyer' | 'judge' | null;
  session: { id: string; aal: number };
};
export type SignedIn = { tokenType: 'Bearer'; expiresIn: number; user: { id: string; email: string; name: string }; org: Org | null; csrfToken?: string };
export type MfaRequired = { mfaRequired: true; mfaToken: string; methods: Array<'totp' | 'backup_code' | 'webauthn'> };
export type EnrollmentRequired = { mfaEnrollmentRequired: true; enrollmentToken: string };
export type LoginResult = SignedIn | MfaRequired | EnrollmentRequired;

export type SessionView = { id: string; createdAt: string; lastSeenAt: string; ip: string | null; userAgent: string | null; current: boolean };
export type TrustedDevice = { id: string; createdAt: string; expiresAt: string; lastUsedAt: string | null; ip: string | null; userAgent: string | null };
export type Passkey = { id: string; name: string; createdAt: string; lastUsedAt?: string | null };
export type MfaStatus = { totp: boolean; webauthn: number; backupCodesLeft: number; required: boolean };

export type Matter = { id: string; title: string; reference: string | null; clientName: string | null; status: 'open' | 'archived'; createdBy: string; createdAt: string; updatedAt: string };
export type DocumentMeta = { id: string; name: string; size: number; sha256: string; contentType: string; createdAt: string; expiresAt: string | null; version?: number };
export type ShareLink = { id: string; url: string; expiresAt: string };

export type Member = { userId: string; email: string; name: string; role: Exclude<Role, 'super_admin'>; createdAt: string };
export type OrgSettings = { mfaRequiredRoles: string[]; idleTimeoutMinutes: number; singleSession: boolean };
export type AuditEvent = { seq: number | null; at: string; orgId: string | null; actorId: string | null; action: string; target: string | null; ip: string | null; userAgent: string | null; outcome: string; requestId: string | null };
export type Checkpoint = { treeSize: number; rootHash: string; signedAt: string; signature: string; keyId: string; origin: string; note: string };
export type AuditPublicKey = { keyId: string; algorithm: 'Ed25519'; publicKey: string };
export type AuditStatus = {
  state: 'starting' | 'ok' | 'alarm' | 'stopped';
  alarm: { reason: string; since: string | null; treeSize: number; checkpointSize: number | null } | null;
  treeSize: number;
  lastCheckpoint: { treeSize: number; rootHash: string; signedAt: string } | null;
};
export type DocumentPolicy = { maxUploadBytes: number; quotaBytes: number | null; allowZip: boolean; scannerUnavailable: 'refuse' | 'accept_unscanned'; retentionDays: number | null; retentionTag: string | null };
export type LegalHold = { orgId: string; reason: string; setBy: string; setAt: string };
