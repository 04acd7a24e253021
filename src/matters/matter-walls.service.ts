import { AppError, notFound } from '../platform/errors.ts';
import type { Tx } from '../platform/db/index.ts';
import * as repo from './matter-walls.repository.ts';
import { findMatter } from './matters.repository.ts';
import type { WallView } from './matters.schemas.ts';

type Actor = { orgId: string; userId: string };

/**
 * Does the matter exist in this organization, as far as an org_admin can tell? An admin
 * outside a wall cannot see the matter itself (RLS), but can see that its wall exists.
 */
async function matterExistsForAdmin(tx: Tx, matterId: string): Promise<boolean> {
  return Boolean((await repo.findWall(tx, matterId)) ?? (await findMatter(tx, matterId)));
}

export async function getWall(tx: Tx, matterId: string): Promise<WallView> {
  if (await repo.findWall(tx, matterId))
    return { matterId, walled: true, memberIds: await repo.listWallMembers(tx, matterId) };
  if (!(await findMatter(tx, matterId))) throw notFound();
  return { matterId, walled: false, memberIds: [] };
}

/** Restricts a matter to exactly these members of the organization (replacing any earlier list). */
export async function setWall(tx: Tx, actor: Actor, matterId: string, memberIds: string[]): Promise<WallView> {
  if (!(await matterExistsForAdmin(tx, matterId))) throw notFound();
  const unique = [...new Set(memberIds)];
  const members = new Set(await repo.membersAmong(tx, actor.orgId, unique));
  const strangers = unique.filter((id) => !members.has(id));
  if (strangers.length > 0)
    throw new AppError('VALIDATION_FAILED', `memberIds: not members of this organization: ${strangers.join(', ')}`);
  await repo.replaceWall(tx, actor.orgId, actor.userId, matterId, unique);
  return { matterId, walled: true, memberIds: unique.sort() };
}

export async function liftWall(tx: Tx, matterId: string): Promise<void> {
  if (!(await repo.deleteWall(tx, matterId)) && !(await findMatter(tx, matterId))) throw notFound();
}
