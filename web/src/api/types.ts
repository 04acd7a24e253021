import type { ResponseOf } from './openapi.ts';

// What the pages read from the API, derived from the server's OpenAPI document
// (npm run api-types). Hand-written types below say why the schema cannot give them.

type Item<List> = List extends ReadonlyArray<infer T> ? T : never;

export type Me = ResponseOf<'/api/v1/me', 'get'>;
export type Org = NonNullable<Me['org']>;
// /me declares role as a plain string; these are the roles the server grants (a member role, or super_admin).
export type Role = Member['role'] | 'super_admin';

export type LoginResult = ResponseOf<'/api/v1/auth/login', 'post'>;
export type SignedIn = Extract<LoginResult, { tokenType: 'Bearer' }>;
export type MfaRequired = Extract<LoginResult, { mfaRequired: true }>;
export type EnrollmentRequired = Extract<LoginResult, { mfaEnrollmentRequired: true }>;
export type PasskeySignIn = ResponseOf<'/api/v1/auth/passkey/verify', 'post'>;
export type PasskeyChallenge = ResponseOf<'/api/v1/auth/passkey/options', 'post'>;
export type PasskeyRegistrationChallenge = ResponseOf<'/api/v1/mfa/webauthn/register/options', 'post'>;
// No response schema on /auth/mfa/webauthn/options: it answers the WebAuthn request options themselves.
export type PasskeyAssertionOptions = Record<string, unknown>;

export type SessionView = Item<ResponseOf<'/api/v1/auth/sessions', 'get'>>;
export type TrustedDeviceList = ResponseOf<'/api/v1/mfa/trusted-devices', 'get'>;
export type TrustedDevice = Item<TrustedDeviceList['devices']>;
export type PasskeyList = ResponseOf<'/api/v1/mfa/webauthn/credentials', 'get'>;
export type Passkey = Item<PasskeyList['credentials']>;
export type MfaStatus = ResponseOf<'/api/v1/mfa', 'get'>;
export type TotpEnrollment = ResponseOf<'/api/v1/mfa/totp/enroll', 'post'>;
export type TotpConfirmation = ResponseOf<'/api/v1/mfa/totp/confirm', 'post'>;
export type NewBackupCodes = ResponseOf<'/api/v1/mfa/backup-codes/regenerate', 'post'>;

export type MatterList = { matters: Matter[]; nextCursor: string | null };
/** The lifecycle fields (0019) are spelled out until the generated schema carries them; then the intersection is a no-op. */
export type Matter = Omit<ResponseOf<'/api/v1/matters/{id}', 'get'>, 'status'> & {
  status: 'open' | 'closed' | 'archived';
  matterType: string | null;
  practiceArea: string | null;
  clientId: string | null;
  responsibleUserId: string | null;
  teamIds: string[];
  closedAt: string | null;
};
export type EthicalWall = ResponseOf<'/api/v1/matters/{id}/wall', 'get'>;
export type DocumentList = ResponseOf<'/api/v1/matters/{id}/documents', 'get'>;
export type DocumentMeta = Item<DocumentList['documents']>;
export type DocumentVersionList = ResponseOf<'/api/v1/documents/{id}/versions', 'get'>;
export type DocumentVersion = Item<DocumentVersionList['versions']>;
export type ShareLink = ResponseOf<'/api/v1/documents/{id}/share-links', 'post'>;
export type ShareLinkList = ResponseOf<'/api/v1/documents/{id}/share-links', 'get'>;
export type ShareLinkSummary = Item<ShareLinkList['shareLinks']>;

export type MemberList = ResponseOf<'/api/v1/orgs/{orgId}/members', 'get'>;
export type Member = Item<MemberList['members']>;
export type Invitation = ResponseOf<'/api/v1/orgs/{orgId}/invitations', 'post'>;
// Offboarding (hand-written until the lead regenerates schema.d.ts; the server's shapes in src/orgs/orgs.schemas.ts).
/** A member as the list shows them: suspendedAt is set while the membership is suspended. */
export type MemberWithStatus = Member & { suspendedAt: string | null };
export type PendingInvitation = {
  id: string;
  email: string;
  role: Member['role'];
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
};
export type PendingInvitationList = { invitations: PendingInvitation[] };
export type OrgSettings = ResponseOf<'/api/v1/orgs/{orgId}/settings', 'get'>;
export type AuditEventPage = ResponseOf<'/api/v1/audit/events', 'get'>;
export type AuditEvent = Item<AuditEventPage['events']> & { actorName: string | null; targetLabel: string | null };
export type AuditEventDetail = ResponseOf<'/api/v1/audit/events/{seq}', 'get'> & {
  actorName: string | null;
  targetLabel: string | null;
};
export type Checkpoint = ResponseOf<'/api/v1/audit/checkpoint', 'get'>;
export type AuditPublicKey = ResponseOf<'/api/v1/audit/public-key', 'get'>;
export type AuditStatus = ResponseOf<'/api/v1/audit/status', 'get'>;
export type DocumentPolicy = ResponseOf<'/api/v1/document-policy', 'get'>;
export type LegalHold = ResponseOf<'/api/v1/orgs/{orgId}/audit/legal-hold', 'get'>;
export type WebConfig = ResponseOf<'/api/v1/web/config', 'get'> & { registrationOpen: boolean };

/** GET /api/v1/search (src/search). */
export type SearchResult = { type: 'matter' | 'client' | 'document'; id: string; title: string; matterId?: string };
