import type { MemberRole } from '../platform/db/index.ts';

/** Roles that may not work without a second factor, whatever the organization says. */
export const MFA_REQUIRED_ROLES: readonly MemberRole[] = ['judge', 'clerk', 'org_admin', 'api_admin'];

/** Step-up windows: how recently a factor must have been verified for a kind of action. */
export const RECENT_FACTOR = {
  /** Administration routes. */
  admin: 12 * 60 * 60 * 1000,
  /** Disabling MFA, changing the email, creating API keys, exporting data. */
  sensitive: 10 * 60 * 1000,
} as const;

export function mfaRequiredFor(
  user: { isSuperAdmin: boolean },
  role: MemberRole | null,
  orgExtraRoles: readonly string[],
): boolean {
  if (user.isSuperAdmin) return true;
  if (!role) return false;
  return MFA_REQUIRED_ROLES.includes(role) || orgExtraRoles.includes(role);
}
