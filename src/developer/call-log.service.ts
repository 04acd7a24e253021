import type { Tx } from '../platform/db/index.ts';
import * as repo from './call-log.repository.ts';
import type { CallsQuery } from './developer.schemas.ts';

export async function listCalls(tx: Tx, query: CallsQuery) {
  const rows = await repo.listCalls(tx, { keyId: query.keyId, before: query.cursor, limit: query.limit });
  const page = rows.slice(0, query.limit);
  return {
    calls: page.map((r) => ({
      at: new Date(r.at).toISOString(),
      keyId: r.api_key_id,
      method: r.method,
      route: r.route,
      status: r.status,
      ip: r.ip,
      latencyMs: r.duration_ms,
    })),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
