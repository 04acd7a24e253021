/**
 * Attack: an invitation link is a second way to set a role. A lawyer who gets hold of
 * an org_admin invitation for their own address (or an admin who invites themselves as
 * a lawyer) would change an existing membership without the role route's rules, and
 * could leave the organization with no org_admin, audited as a mere `member.join`.
 * Accepting an invitation must never change an existing membership.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createMember,
  login,
  signedInMember,
  startTestApp,
  type TestApp,
} from '../../test/helpers/test-app.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';

describe('accepting an invitation as an existing member', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  async function inviteToken(
    admin: { orgId: string; headers: Record<string, string> },
    email: string,
    role: string,
  ): Promise<string> {
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${admin.orgId}/invitations`,
      headers: admin.headers,
      payload: { email, role },
    });
    expect(res.statusCode, res.body).toBe(201);
    const mail = (await t.mail()).filter((m) => m.to === email).at(-1);
    const text = (mail?.text ?? '').replace(/=([0-9A-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
    return /\/invite\?token=([A-Za-z0-9_-]+)/.exec(text)![1]!;
  }
  const roleOf = async (orgId: string, userId: string) =>
    (
      await unsafeWithOwner(t.ctx.db, (tx) =>
        sql<{
          role: string;
        }>`SELECT role FROM chambers.memberships WHERE org_id = ${orgId} AND user_id = ${userId}`.execute(tx),
      )
    ).rows.map((r) => r.role);
  const joins = async (orgId: string, userId: string) =>
    Number(
      (
        await unsafeWithOwner(t.ctx.db, (tx) =>
          sql<{
            n: number;
          }>`SELECT count(*)::int AS n FROM audit.events WHERE action = 'member.join' AND org_id = ${orgId} AND actor_id = ${userId}`.execute(
            tx,
          ),
        )
      ).rows[0]?.n,
    );

  it('should refuse a lawyer promoting themselves with an org_admin invitation: 409, role unchanged, no member.join', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const lawyer = await createMember(t, { role: 'lawyer', orgId: admin.orgId });
    const tokens = await login(t, lawyer.email);
    const token = await inviteToken(admin, lawyer.email, 'org_admin');
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      headers: bearer(tokens.accessToken),
      payload: { token },
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ code: 'CONFLICT' });
    expect(await roleOf(admin.orgId, lawyer.userId)).toEqual(['lawyer']);
    expect(await joins(admin.orgId, lawyer.userId)).toBe(0);
  });

  it('should refuse the only org_admin demoting themselves by invitation: the organization keeps its administrator', async () => {
    const admin = await signedInMember(t, { role: 'org_admin' });
    const token = await inviteToken(admin, admin.email, 'lawyer');
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      headers: admin.headers,
      payload: { token },
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(await roleOf(admin.orgId, admin.userId)).toEqual(['org_admin']);
  });
});
