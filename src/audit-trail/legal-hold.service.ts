import { sql } from 'kysely';
import type { AppContext } from '../context/index.ts';
import type { Principal } from '../access/index.ts';
import { AppError } from '../platform/errors.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

export type LegalHold = { orgId: string; reason: string; setBy: string; setAt: string };

type HoldRow = { org_id: string; reason: string; set_by: string; set_at: Date };
const toHold = (r: HoldRow): LegalHold => ({
  orgId: r.org_id,
  reason: r.reason,
  setBy: r.set_by,
  setAt: new Date(r.set_at).toISOString(),
});

/**
 * An org_admin acts on their own organization, a super_admin on any existing one.
 * Another organization's id is 404, never 403: its existence is not disclosed.
 */
async function unsafeCheckOrg(ctx: AppContext, p: Principal, orgId: string): Promise<void> {
  if (!p.isSuperAdmin && (p.role !== 'org_admin' || p.orgId !== orgId)) throw new AppError('NOT_FOUND');
  const { rows } = await unsafeWithOwner(ctx.db, (tx) =>
    sql`SELECT 1 FROM chambers.organizations WHERE id = ${orgId}`.execute(tx),
  );
  if (rows.length === 0) throw new AppError('NOT_FOUND');
}

export async function unsafeGetHold(ctx: AppContext, p: Principal, orgId: string): Promise<LegalHold | null> {
  await unsafeCheckOrg(ctx, p, orgId);
  const { rows } = await unsafeWithOwner(ctx.db, (tx) =>
    sql<HoldRow>`SELECT org_id, reason, set_by, set_at FROM audit.legal_holds WHERE org_id = ${orgId}`.execute(tx),
  );
  return rows[0] ? toHold(rows[0]) : null;
}

/** Sets (or re-states the reason of) the hold; the purge keeps the organization's events from now on. */
export async function unsafeSetHold(ctx: AppContext, p: Principal, orgId: string, reason: string): Promise<LegalHold> {
  await unsafeCheckOrg(ctx, p, orgId);
  const { rows } = await unsafeWithOwner(ctx.db, (tx) =>
    sql<HoldRow>`INSERT INTO audit.legal_holds (org_id, reason, set_by, set_at) VALUES (${orgId}, ${reason}, ${p.userId}, ${ctx.clock.now()})
      ON CONFLICT (org_id) DO UPDATE SET reason = EXCLUDED.reason, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at
      RETURNING org_id, reason, set_by, set_at`.execute(tx),
  );
  return toHold(rows[0]!);
}

/** Lifts the hold; false when there was none. */
export async function unsafeLiftHold(ctx: AppContext, p: Principal, orgId: string): Promise<boolean> {
  await unsafeCheckOrg(ctx, p, orgId);
  const res = await unsafeWithOwner(ctx.db, (tx) =>
    sql`DELETE FROM audit.legal_holds WHERE org_id = ${orgId}`.execute(tx),
  );
  return Number(res.numAffectedRows ?? 0) > 0;
}
