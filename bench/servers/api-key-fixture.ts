// The API-key phase's fixture inside the Chambers child: one key of the bench member (the matters come from chambers.ts).
import { sql } from 'kysely';
import { newApiKey } from '../../src/developer/api-key-secret.ts';
import type { Database } from '../../src/platform/db/index.ts';
import { unsafeWithOwner } from '../../src/platform/db/tenant.ts';

export async function benchApiKey(db: Database, member: { orgId: string; userId: string }): Promise<string> {
  const { key, hash, prefix } = newApiKey('live');
  await unsafeWithOwner(db, async (tx) => {
    // The per-key limits (bucket and daily quota) are part of the path being measured, set high enough that the load never meets them.
    await sql`INSERT INTO chambers.api_keys (org_id, name, mode, prefix, key_hash, scopes, created_by, rate_per_second, burst, daily_quota)
              VALUES (${member.orgId}, 'bench', 'live', ${prefix}, ${hash}, ARRAY['matters:read'], ${member.userId}, 100000, 1000000, 10000000)`.execute(
      tx,
    );
  });
  return key;
}
