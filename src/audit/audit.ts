import type { Logger } from 'pino';
import type { Database } from '../platform/db/database.ts';
import { withTenant } from '../platform/db/tenant.ts';
import { AuditDetailsError, assertSafeDetails, isAuditAction, type AuditAction, type AuditDetailsByAction } from './actions.ts';

/** Where and by whom: the request facts every event carries. */
export type RequestFacts = { ip: string | null; userAgent: string | null; requestId: string | null };

type EventBase = {
  outcome: 'success' | 'failure' | 'denied';
  orgId: string | null;
  actorId: string | null;
  target?: string | null;
} & Partial<RequestFacts>;

/**
 * One security-relevant event: one member of the action union (actions.ts) with
 * that action's details. Never content: no document text, prompts, AI output,
 * passwords, tokens or codes — only who, what, when, where and outcome.
 */
export type AuditEvent = { [A in AuditAction]: EventBase & { action: A; details?: AuditDetailsByAction[A] } }[AuditAction];

export type AuditLog = { record(event: AuditEvent): Promise<void> };

/**
 * Writes each event in its own short transaction as the runtime role (INSERT
 * only), so a business transaction that fails still leaves its "failure" event.
 * An audit write that fails is logged loudly but does not fail the user's request.
 */
export function createAuditLog(db: Database, logger: Logger): AuditLog {
  return {
    async record(event) {
      let details: unknown = event.details ?? {};
      try {
        // The types already say so; this holds for callers that cast, and for values built at runtime.
        if (!isAuditAction(event.action)) throw new AuditDetailsError([`(unknown action ${String(event.action).slice(0, 100)})`]);
        assertSafeDetails(details);
      } catch (err) {
        const keys = err instanceof AuditDetailsError ? err.keys : ['(invalid)'];
        logger.error({ action: String(event.action).slice(0, 100), rejectedKeys: keys }, 'audit details refused (secret or content); the event is recorded without them');
        details = { rejectedKeys: keys.join(',').slice(0, 200) };
      }
      try {
        await withTenant(db, { orgId: event.orgId, userId: event.actorId }, async (tx) => {
          await tx
            .insertInto('audit.events')
            .values({
              org_id: event.orgId,
              actor_id: event.actorId,
              action: event.action,
              target: event.target ?? null,
              ip: event.ip ?? null,
              user_agent: event.userAgent?.slice(0, 512) ?? null,
              outcome: event.outcome,
              request_id: event.requestId ?? null,
              details: JSON.stringify(details),
            })
            .execute();
        });
      } catch (err) {
        logger.error({ err: { message: (err as Error).message }, action: event.action }, 'audit event could not be written');
      }
    },
  };
}
