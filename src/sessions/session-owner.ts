import { accountRepository as accounts } from '../accounts/index.ts';
import { AppError } from '../platform/errors.ts';
import type { Tx } from '../platform/db/index.ts';
import type { OrgMembership, SignedInUser, TokenPair } from './session.service.ts';

/** Who a session speaks for, and how long its refresh token may live: shared by every path that opens one. */
export type LoginResult = {
  pair: TokenPair;
  user: SignedInUser;
  org: OrgMembership | null;
  refreshMaxAgeSeconds: number;
};

export async function pickOrganization(
  tx: Tx,
  userId: string,
  wanted: string | undefined,
): Promise<OrgMembership | null> {
  const memberships = await accounts.listMemberships(tx, userId);
  // A suspended membership opens nothing (orgs offboarding); when it is all there is, say so.
  const usable = memberships.filter((m) => !m.suspended_at);
  const chosen = wanted ? usable.find((m) => m.id === wanted) : usable[0];
  if (!chosen && (wanted ? memberships.some((m) => m.id === wanted) : memberships.length > 0))
    throw new AppError('MEMBER_SUSPENDED');
  if (wanted && !chosen) throw new AppError('FORBIDDEN', 'you are not a member of that organization');
  return chosen ? { id: chosen.id, name: chosen.name, kind: chosen.kind, role: chosen.role } : null;
}

/** The organization a sign-in lands in: the one asked for (if a member) or the oldest membership. */
export async function chooseOrganizationId(tx: Tx, userId: string, wanted: string | undefined): Promise<string | null> {
  return (await pickOrganization(tx, userId, wanted))?.id ?? null;
}

export function refreshMaxAge(user: SignedInUser, org: OrgMembership | null): number {
  const privileged = user.isSuperAdmin || org?.role === 'org_admin' || org?.role === 'judge' || org?.role === 'clerk';
  return privileged ? 12 * 60 * 60 : 30 * 24 * 60 * 60;
}

/** Loads the user and (still valid) membership a refreshed token will speak for. */
export async function lookupSessionOwner(
  tx: Tx,
  userId: string,
  orgId: string | null,
): Promise<{ user: SignedInUser; org: OrgMembership | null } | null> {
  const user = await accounts.findUserById(tx, userId);
  if (!user) return null;
  const memberships = orgId ? await accounts.listMemberships(tx, userId) : [];
  const m = orgId ? memberships.find((x) => x.id === orgId) : undefined;
  if (orgId && !m) return null;
  if (m?.suspended_at) throw new AppError('MEMBER_SUSPENDED');
  return {
    user: { id: user.id, email: user.email, name: user.name, isSuperAdmin: user.is_super_admin },
    org: m ? { id: m.id, name: m.name, kind: m.kind, role: m.role } : null,
  };
}
