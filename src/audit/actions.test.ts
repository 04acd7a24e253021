import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { AUDIT_ACTIONS, AuditDetailsError, assertSafeDetails, type AuditAction } from './actions.ts';
import type { AuditEvent } from './audit.ts';

describe('the audit action union', () => {
  it('should list at runtime exactly the actions of the type', () => {
    expectTypeOf<Exclude<AuditAction, (typeof AUDIT_ACTIONS)[number]>>().toEqualTypeOf<never>();
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    for (const family of [
      'auth.',
      'mfa.',
      'org.',
      'member.',
      'matter.',
      'document.',
      'ai.',
      'signing.',
      'admin.',
      'webhook.',
    ]) {
      expect(
        AUDIT_ACTIONS.some((a) => a.startsWith(family)),
        family,
      ).toBe(true);
    }
    expect(AUDIT_ACTIONS).toEqual(
      expect.arrayContaining([
        'document.view',
        'document.download',
        'document.upload',
        'document.delete',
        'document.share',
        'audit.export',
        'retention.purge',
      ]),
    );
  });

  it('should refuse, at compile time, an action outside the union and details of the wrong shape', () => {
    const ok: AuditEvent = {
      action: 'audit.export',
      outcome: 'success',
      orgId: null,
      actorId: null,
      details: { events: 1, treeSize: 2 },
    };
    // @ts-expect-error -- not a member of the union
    const unknownAction: AuditEvent = { action: 'matter.teleport', outcome: 'success', orgId: null, actorId: null };
    const wrongDetails: AuditEvent = {
      action: 'audit.export',
      outcome: 'success',
      orgId: null,
      actorId: null,
      // @ts-expect-error -- audit.export details are { events, treeSize }
      details: { password: 'x' },
    };
    expect([ok, unknownAction, wrongDetails]).toHaveLength(3);
  });

  it.each([
    ['password'],
    ['newPassword'],
    ['accessToken'],
    ['refresh_token'],
    ['totp_code'],
    ['code'],
    ['secret'],
    ['apiKey'],
    ['content'],
    ['prompt'],
    ['text'],
    ['documentText'],
    ['body'],
    ['output'],
  ])('should reject the detail key %s at runtime', (key) => {
    expect(() => assertSafeDetails({ [key]: 'x' })).toThrow(AuditDetailsError);
  });

  it('should reject objects, arrays and long strings as values, and accept small scalars', () => {
    expect(() => assertSafeDetails({ nested: { a: 1 } })).toThrow(AuditDetailsError);
    expect(() => assertSafeDetails({ list: [1, 2] })).toThrow(AuditDetailsError);
    expect(() => assertSafeDetails({ reason: 'x'.repeat(201) })).toThrow(AuditDetailsError);
    expect(() =>
      assertSafeDetails({ reason: 'wrong_password', failures: 3, trustedDevice: false, previousIdle: null }),
    ).not.toThrow();
  });
});

describe('record() with forbidden details', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('should keep the event but never the secret (a caller that casts past the types)', async () => {
    const sneaky = {
      action: 'auth.login',
      outcome: 'failure',
      orgId: null,
      actorId: null,
      details: { password: 'hunter2-secret-value', failures: 1 },
    } as unknown as AuditEvent;
    await t.ctx.audit.record(sneaky);
    const { rows } = await sql<{
      details: unknown;
    }>`SELECT details FROM audit.events WHERE action = 'auth.login' ORDER BY id DESC LIMIT 1`.execute(t.ctx.db.owner);
    const stored = JSON.stringify(rows[0]?.details);
    expect(stored).not.toContain('hunter2');
    expect(stored).toContain('rejectedKeys');
  });
});
