import type { AppContext } from '../context/index.ts';
import { AppError } from '../platform/errors.ts';
import type { Tx } from '../platform/db/index.ts';
import * as repo from './mfa.repository.ts';

/** Devices that skip the second factor for 7 days: the check at sign-in, and the user's own list. */

/** A trusted-device cookie lets a sign-in skip the second factor if its row is live and the user's. */
export async function trustedDeviceIsValid(
  ctx: AppContext,
  tx: Tx,
  deviceId: string,
  userId: string,
): Promise<boolean> {
  const d = await repo.findTrustedDevice(tx, deviceId);
  if (!d || d.user_id !== userId || d.revoked_at || new Date(d.expires_at) <= ctx.clock.now()) return false;
  await repo.touchTrustedDevice(tx, deviceId, ctx.clock.now());
  return true;
}

export async function listTrustedDevices(tx: Tx, userId: string, now: Date) {
  const rows = await repo.listTrustedDevices(tx, userId, now);
  return {
    devices: rows.map((d) => ({
      id: d.id,
      createdAt: new Date(d.created_at).toISOString(),
      expiresAt: new Date(d.expires_at).toISOString(),
      lastUsedAt: d.last_used_at ? new Date(d.last_used_at).toISOString() : null,
      ip: d.ip,
      userAgent: d.user_agent,
    })),
  };
}

/** Stops trusting one of the user's devices; NOT_FOUND when it is not theirs or already revoked. */
export async function revokeTrustedDevice(tx: Tx, userId: string, deviceId: string, now: Date): Promise<void> {
  if ((await repo.revokeTrustedDevices(tx, userId, now, deviceId)) === 0) throw new AppError('NOT_FOUND');
}
