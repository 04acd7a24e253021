import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.ts';
import { enforceAccess, registerRouteAccess, type Principal } from './route-access.ts';

const principal = (over: Partial<Principal> = {}): Principal => ({
  userId: '00000000-0000-4000-8000-000000000001',
  orgId: '00000000-0000-4000-8000-000000000002',
  role: 'lawyer',
  portal: 'lawyer',
  isSuperAdmin: false,
  sessionId: '00000000-0000-4000-8000-000000000003',
  aal: 1,
  amr: ['pwd'],
  mfaVerifiedAt: null,
  identity: { email: 'a@example.com', name: 'A', orgName: 'Org', orgKind: 'firm', mfa: { totp: false, webauthn: 0 } },
  ...over,
});

const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof AppError ? err.code : 'NOT_APP_ERROR';
  }
};

describe('route guard', () => {
  it('should stop start-up when a route declares no access rule', async () => {
    const app = Fastify();
    registerRouteAccess(app, async () => null);
    expect(() => app.get('/api/v1/forgotten', async () => 'secret')).toThrow(/declares no access rule/);
  });

  it('should answer 401 before reading the body when no principal is established', async () => {
    const app = Fastify();
    registerRouteAccess(app, async () => null);
    let handled = false;
    app.post('/api/v1/private', { config: { access: {} } }, async () => {
      handled = true;
      return 'x';
    });
    app.setErrorHandler((err, _req, reply) =>
      reply.code((err as AppError).status ?? 500).send({ code: (err as AppError).code }),
    );
    const res = await app.inject({ method: 'POST', url: '/api/v1/private', payload: { any: 'thing' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('UNAUTHENTICATED');
    expect(handled).toBe(false);
  });

  it('should refuse lawyer tokens on judge routes and judge tokens on lawyer routes', () => {
    expect(codeOf(() => enforceAccess(principal({ portal: 'lawyer' }), { portal: 'judge' }))).toBe('PORTAL_FORBIDDEN');
    expect(codeOf(() => enforceAccess(principal({ portal: 'judge', role: 'judge' }), { portal: 'lawyer' }))).toBe(
      'PORTAL_FORBIDDEN',
    );
    expect(codeOf(() => enforceAccess(principal({ portal: 'judge', role: 'judge' }), { portal: 'judge' }))).toBeNull();
  });

  it('should check roles, super admin and organization context', () => {
    expect(codeOf(() => enforceAccess(principal({ role: 'reviewer' }), { roles: ['org_admin', 'lawyer'] }))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(() => enforceAccess(principal(), { superAdmin: true }))).toBe('FORBIDDEN');
    expect(
      codeOf(() =>
        enforceAccess(
          principal({ isSuperAdmin: true, orgId: null, role: null, portal: null, mfaVerifiedAt: new Date() }),
          { superAdmin: true },
        ),
      ),
    ).toBeNull();
    expect(codeOf(() => enforceAccess(principal({ orgId: null, role: null, portal: null }), {}))).toBe('FORBIDDEN');
    // Administration routes derive their step-up window: a super_admin without a recent factor is asked for one.
    expect(
      codeOf(() =>
        enforceAccess(principal({ isSuperAdmin: true, orgId: null, role: null, portal: null }), { superAdmin: true }),
      ),
    ).toBe('STEP_UP_REQUIRED');
    expect(
      codeOf(() => enforceAccess(principal({ orgId: null, role: null, portal: null }), { orgOptional: true })),
    ).toBeNull();
  });
});
