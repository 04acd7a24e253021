/**
 * Attacks on a client's data-subject requests. The export hands out everything the firm holds
 * about a person and the erasure cannot be taken back, so: another organization's member must
 * not reach either by guessing a client id; a reviewer must not export, a lawyer must not erase,
 * an administrator's stale second factor must not erase; an ethical wall must neither leak its
 * matter through the export nor hide a legal hold from the erasure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInMember, startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;

describe('client export and erasure under attack', () => {
  let t: TestApp;
  const clock = manualClock();
  let admin: Member;
  let lawyer: Member;
  let insider: Member;
  beforeAll(async () => {
    t = await startTestApp({ clock });
    admin = await signedInMember(t, { role: 'org_admin' });
    lawyer = await signedInMember(t, { role: 'lawyer', orgId: admin.orgId });
    // An administrator admitted to a walled matter the other administrator is not.
    insider = await signedInMember(t, { role: 'org_admin', orgId: admin.orgId });
  });
  afterAll(async () => t?.close());

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, who: Member, payload?: object) =>
    t.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
  const erase = (id: string, who: Member) =>
    call('POST', `/api/v1/clients/${id}/erase`, who, { confirmation: 'ERASE' });
  const newClient = async (name: string) => {
    const res = await call('POST', '/api/v1/clients', lawyer, { kind: 'person', name, email: 'victim@example.org' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const nameOf = async (id: string) => (await call('GET', `/api/v1/clients/${id}`, lawyer)).json().name as string;

  it("should answer 404 to another organization's members guessing a client id, and change nothing", async () => {
    const id = await newClient('Cross Tenant Target');
    const otherAdmin = await signedInMember(t, { role: 'org_admin' });
    const otherLawyer = await signedInMember(t, { role: 'lawyer', orgId: otherAdmin.orgId });
    for (const who of [otherAdmin, otherLawyer]) {
      const exported = await call('GET', `/api/v1/clients/${id}/personal-data`, who);
      expect(exported.statusCode).toBe(404);
      expect(exported.body).not.toContain('victim@');
    }
    expect((await erase(id, otherAdmin)).statusCode).toBe(404);
    expect(await nameOf(id)).toBe('Cross Tenant Target');
  });

  it('should refuse the export to a reviewer and the erasure to a lawyer', async () => {
    const id = await newClient('Role Target');
    const reviewer = await signedInMember(t, { role: 'reviewer', orgId: admin.orgId });
    expect((await call('GET', `/api/v1/clients/${id}/personal-data`, reviewer)).statusCode).toBe(403);
    expect((await erase(id, lawyer)).statusCode).toBe(403);
    expect((await erase(id, reviewer)).statusCode).toBe(403);
    expect(await nameOf(id)).toBe('Role Target');
  });

  it('should not leak a walled matter through the export, and not let a wall hide a legal hold from the erasure', async () => {
    const id = await newClient('Walled Person');
    const secret = await call('POST', '/api/v1/matters', insider, { title: 'Secret takeover' });
    const matterId = secret.json().id as string;
    await call('POST', `/api/v1/matters/${matterId}/parties`, insider, {
      name: 'Walled Person',
      role: 'client',
      clientId: id,
    });
    expect(
      (await call('PUT', `/api/v1/matters/${matterId}/wall`, insider, { memberIds: [insider.userId] })).statusCode,
    ).toBe(200);

    const exported = await call('GET', `/api/v1/clients/${id}/personal-data`, lawyer);
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.body).not.toContain(matterId);
    expect(exported.body).not.toContain('Secret takeover');
    expect(exported.json()).toMatchObject({ matters: [], withheldMatters: 1, parties: [{ matterId: null }] });

    expect((await call('PUT', `/api/v1/matters/${matterId}/legal-hold`, insider, { hold: true })).statusCode).toBe(200);
    const refused = await erase(id, admin);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().code).toBe('CLIENT_LEGAL_HOLD');
    expect(refused.body).not.toContain(matterId);
    expect(await nameOf(id)).toBe('Walled Person');

    // Once the hold is lifted, the erasure reaches the walled party row too.
    await call('PUT', `/api/v1/matters/${matterId}/legal-hold`, insider, { hold: false });
    expect((await erase(id, admin)).statusCode).toBe(200);
    const parties = (await call('GET', `/api/v1/matters/${matterId}/parties`, insider)).json().parties;
    expect(parties).toEqual([expect.objectContaining({ name: `Erased client ${id.slice(0, 8)}` })]);
  });

  it("should refuse the erasure on an administrator's second factor older than 10 minutes", async () => {
    const id = await newClient('Stale Factor Target');
    clock.advance(11 * 60 * 1000);
    const res = await erase(id, admin);
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json().code).toBe('STEP_UP_REQUIRED');
    expect(await nameOf(id)).toBe('Stale Factor Target');
  });
});
