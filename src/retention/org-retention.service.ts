import { sql } from 'kysely';
import type { AppContext } from '../context/index.ts';
import type { Principal } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

export type OrgRetention = { orgId: string; days: number | null; effectiveDays: { general: number; judicial: number } };

const view = (ctx: AppContext, orgId: string, days: number | null): OrgRetention => {
  const { generalDays, judicialDays } = ctx.config.auditRetention;
  return {
    orgId,
    days,
    effectiveDays: { general: Math.max(generalDays, days ?? 0), judicial: Math.max(judicialDays, days ?? 0) },
  };
};

/**
 * An org_admin acts on their own organization, a super_admin on any existing one;
 * another organization's id is 404, never 403 (as for legal holds). Returns the current setting.
 */
async function unsafeCurrent(ctx: AppContext, p: Principal, orgId: string): Promise<number | null> {
  if (!p.isSuperAdmin && (p.role !== 'org_admin' || p.orgId !== orgId)) throw new AppError('NOT_FOUND');
  const { rows } = await unsafeWithOwner(ctx.db, (tx) =>
    sql<{
      days: number | null;
    }>`SELECT audit_retention_days AS days FROM chambers.organizations WHERE id = ${orgId}`.execute(tx),
  );
  if (!rows[0]) throw new AppError('NOT_FOUND');
  return rows[0].days;
}

export async function unsafeGetOrgRetention(ctx: AppContext, p: Principal, orgId: string): Promise<OrgRetention> {
  return view(ctx, orgId, await unsafeCurrent(ctx, p, orgId));
}

/**
 * Sets the organization's period (or clears it: null). It can only lengthen what the
 * deployment keeps: a period not above the general one would change nothing, and is refused
 * so nobody believes it shortened anything. The purge (audit.first_retained_seq) reads it.
 */
export async function unsafeSetOrgRetention(
  ctx: AppContext,
  p: Principal,
  orgId: string,
  days: number | null,
): Promise<{ retention: OrgRetention; previousDays: number | null }> {
  const previousDays = await unsafeCurrent(ctx, p, orgId);
  const floor = ctx.config.auditRetention.generalDays;
  if (days !== null && days <= floor)
    throw new AppError(
      'VALIDATION_FAILED',
      `days must be longer than the deployment's audit retention of ${floor} days; it can only lengthen it`,
    );
  await unsafeWithOwner(ctx.db, (tx) =>
    sql`UPDATE chambers.organizations SET audit_retention_days = ${days} WHERE id = ${orgId}`.execute(tx),
  );
  return { retention: view(ctx, orgId, days), previousDays };
}
