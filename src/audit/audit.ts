import type { RequestFacts } from '../access/index.ts';
import { sql, type Insertable } from 'kysely';
import type { Logger } from 'pino';
import {
  type Database,
  type AuditEventTable,
  createGroupCommitter,
  enterTenant,
  withTenant,
} from '../platform/db/index.ts';
import type { PersonalDataSealer } from './personal-data.ts';
import {
  AuditDetailsError,
  assertSafeDetails,
  isAuditAction,
  type AuditAction,
  type AuditDetailsByAction,
} from './actions.ts';

/** Where and by whom: the request facts every event carries. */

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
export type AuditEvent = {
  [A in AuditAction]: EventBase & { action: A; details?: AuditDetailsByAction[A] };
}[AuditAction];

export type AuditLog = { record(event: AuditEvent): Promise<void> };

/** A row as `record()` hands it to the group writer: every granted column but `at`, set by the database. */
type EventInsert = Required<Omit<Insertable<AuditEventTable>, 'at' | 'id' | 'details'>> & { details: string };

/** Up to this many queued events share one audit transaction. */
const MAX_BATCH = 256;

/**
 * Writes events in short transactions of their own, never inside the caller's
 * business transaction, as the runtime role (INSERT only), so a business
 * transaction that fails still leaves its "failure" event and no audit lock is
 * held while business work runs. Concurrent events share one such transaction
 * (group commit, one insert per organization under its RLS setting); each caller
 * still waits until its own event is committed. An event that cannot be written
 * is logged loudly but does not fail the user's request.
 */
export function createAuditLog(
  db: Database,
  logger: Logger,
  opts: { personalData?: PersonalDataSealer } = {},
): AuditLog {
  const committer = createGroupCommitter<EventInsert>({
    maxBatch: MAX_BATCH,
    write: async (rows) => {
      const byOrg = new Map<string | null, EventInsert[]>();
      for (const r of rows) byOrg.set(r.org_id, [...(byOrg.get(r.org_id) ?? []), r]);
      const groups = [...byOrg];
      const tenantOf = ([orgId, group]: (typeof groups)[number]) => ({
        orgId,
        userId: group.length === 1 ? group[0]!.actor_id : null,
      });
      // RLS lets an insert through only for the organization set: the first group's in the
      // transaction's opening (sent with its insert), each further group's before its own.
      await withTenant(db, tenantOf(groups[0]!), async (tx) => {
        for (const [i, entry] of groups.entries()) {
          if (i > 0) await enterTenant(tx, tenantOf(entry));
          // clock_timestamp(): each event keeps its own time, not the shared transaction's start.
          await tx
            .insertInto('audit.events')
            .values(entry[1].map((r) => ({ ...r, at: sql<Date>`clock_timestamp()` })))
            .execute();
        }
      });
    },
  });
  return {
    async record(event) {
      let details: unknown = event.details ?? {};
      try {
        // The types already say so; this holds for callers that cast, and for values built at runtime.
        if (!isAuditAction(event.action))
          throw new AuditDetailsError([`(unknown action ${String(event.action).slice(0, 100)})`]);
        assertSafeDetails(details);
      } catch (err) {
        const keys = err instanceof AuditDetailsError ? err.keys : ['(invalid)'];
        logger.error(
          { action: String(event.action).slice(0, 100), rejectedKeys: keys },
          'audit details refused (secret or content); the event is recorded without them',
        );
        details = { rejectedKeys: keys.join(',').slice(0, 200) };
      }
      // A person's IP address and user agent enter the log only as keyed commitments (personal-data.ts).
      const facts = { ip: event.ip ?? null, userAgent: event.userAgent?.slice(0, 512) ?? null };
      const where = event.actorId && opts.personalData ? await opts.personalData.seal(event.actorId, facts) : facts;
      try {
        await committer.submit({
          org_id: event.orgId,
          actor_id: event.actorId,
          action: event.action,
          target: event.target ?? null,
          ip: where.ip,
          user_agent: where.userAgent,
          outcome: event.outcome,
          request_id: event.requestId ?? null,
          details: JSON.stringify(details),
        });
      } catch (err) {
        logger.error(
          { err: { message: (err as Error).message }, action: event.action },
          'audit event could not be written',
        );
      }
    },
  };
}
