import { AppError } from '../platform/errors.ts';
import type { Tx } from '../platform/db/index.ts';
import { sessionRepository as sessions } from '../sessions/index.ts';

/** A signed-in user's own sessions: list them, end one, this one or all. Each runs in the user's tenant transaction. */

export async function signOut(tx: Tx, sessionId: string, now: Date): Promise<void> {
  await sessions.revokeSession(tx, sessionId, 'logout', now);
}

/** Ends every live session of the user, this one included; returns how many ended. */
export async function signOutEverywhere(tx: Tx, userId: string, now: Date): Promise<number> {
  return sessions.revokeUserSessions(tx, userId, 'logout_all', now);
}

export async function listOwnSessions(tx: Tx, userId: string, currentSessionId: string, now: Date) {
  const rows = await sessions.listUserSessions(tx, userId, now);
  return rows.map((s) => ({
    id: s.id,
    createdAt: new Date(s.created_at).toISOString(),
    lastSeenAt: new Date(s.last_seen_at).toISOString(),
    ip: s.ip,
    userAgent: s.user_agent,
    current: s.id === currentSessionId,
  }));
}

/** Ends one of the user's sessions; another user's session id is NOT_FOUND, an already ended one of theirs is no error. */
export async function revokeOwnSession(tx: Tx, userId: string, sessionId: string, now: Date): Promise<void> {
  const own = await sessions.findUserSession(tx, userId, sessionId);
  if (!own) throw new AppError('NOT_FOUND');
  await sessions.revokeSession(tx, own.id, 'revoked_by_user', now);
}
