import type { AppContext } from '../context/index.ts';
import type { Tx } from '../platform/db/index.ts';
import * as onboarding from './onboarding.repository.ts';
import * as repo from './orgs.repository.ts';
import { getSettings } from './orgs.service.ts';

type Actor = { orgId: string; userId: string };

/** The checklist's steps, in the order the admin sees them. */
export const ONBOARDING_STEPS = ['invite_team', 'require_mfa', 'retention'] as const;
export type OnboardingStepId = (typeof ONBOARDING_STEPS)[number];
export type OnboardingStatus = { steps: { id: OnboardingStepId; done: boolean }[]; dismissed: boolean };

/** The key in the organization's settings jsonb that remembers the dismissal (when, ISO 8601). */
const DISMISSED_KEY = 'onboardingDismissedAt';

/**
 * What a new organization's administrator still has to do. Every step is read from the
 * data it is about, so undoing one (revoking the last invitation, clearing the MFA roles)
 * shows it open again; only the dismissal is stored.
 */
export async function onboardingStatus(tx: Tx, ctx: AppContext, actor: Actor): Promise<OnboardingStatus> {
  const { orgId, userId } = actor;
  const [otherMember, pendingInvitation, settings, retention, raw] = await Promise.all([
    onboarding.hasOtherMember(tx, orgId, userId),
    onboarding.hasPendingInvitation(tx, orgId, ctx.clock.now()),
    getSettings(tx, actor, orgId),
    onboarding.hasRetentionPolicy(tx, orgId),
    repo.readSettings(tx, orgId),
  ]);
  const done: Record<OnboardingStepId, boolean> = {
    invite_team: otherMember || pendingInvitation,
    require_mfa: settings.mfaRequiredRoles.length > 0,
    retention,
  };
  return {
    steps: ONBOARDING_STEPS.map((id) => ({ id, done: done[id] })),
    dismissed: typeof raw?.[DISMISSED_KEY] === 'string',
  };
}

/**
 * Hides the checklist for the whole organization (every org_admin). Returns false when
 * it was dismissed already: nothing changed, so nothing to audit.
 */
export async function dismissOnboarding(tx: Tx, ctx: AppContext, actor: Actor): Promise<boolean> {
  const raw = (await repo.readSettings(tx, actor.orgId)) ?? {};
  if (typeof raw[DISMISSED_KEY] === 'string') return false;
  await repo.writeSettings(tx, actor.orgId, { ...raw, [DISMISSED_KEY]: ctx.clock.now().toISOString() });
  return true;
}
