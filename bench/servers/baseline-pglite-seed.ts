// The embedded baseline's own rows: the same member, ten matters and ten documents the Chambers bench server makes.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../src/platform/db/index.ts';
import { hashPassword } from '../../src/accounts/password-hash.ts';

/** `password`: the Chambers bench member's, so both sign-ins verify the same password against the same parameters. */
export async function seedBaselinePglite(db: Database, password: string): Promise<void> {
  const org = await db.owner
    .insertInto('chambers.organizations')
    .values({ name: 'Bench LLP', kind: 'firm' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const user = await db.owner
    .insertInto('chambers.users')
    .values({
      email: 'bench@example.com',
      name: 'Bench',
      password_hash: await hashPassword(password),
      email_verified_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.owner
    .insertInto('chambers.memberships')
    .values({ org_id: org.id, user_id: user.id, role: 'lawyer' })
    .execute();
  const matters = [];
  for (let i = 0; i < 10; i++)
    matters.push(
      await db.owner
        .insertInto('chambers.matters')
        .values({ org_id: org.id, title: `Bench matter ${i}`, created_by: user.id })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
  for (let i = 0; i < 10; i++) {
    const doc = await db.owner
      .insertInto('chambers.documents')
      .values({ org_id: org.id, matter_id: matters[0]!.id, name: `bench-${i}.pdf`, created_by: user.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`INSERT INTO chambers.document_versions (id, org_id, document_id, version, name, size, sha256, content_type,
                scan_status, blob_key, wrapped_data_key, org_key_version, created_by)
              VALUES (${crypto.randomUUID()}, ${org.id}, ${doc.id}, 1, ${`bench-${i}.pdf`}, 1024,
                ${crypto.randomBytes(32).toString('hex')}, 'application/pdf', 'not_configured', ${crypto.randomUUID()},
                ${crypto.randomBytes(40)}, 1, ${user.id})`.execute(db.owner);
  }
}
