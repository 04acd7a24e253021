import { describe, expect, it } from 'vitest';
import { canonicalEventJson, canonicalJson, type SealedEventFields } from './canonical-event.ts';

const base: SealedEventFields = {
  seq: 12,
  at: '2024-05-01T10:00:00.123456Z',
  orgId: '7b0e5f0e-8f5e-4a57-9d7f-1c9a3b2f0a11',
  actorId: null,
  action: 'document.view',
  target: 'doc:1',
  ip: '203.0.113.9',
  userAgent: 'Mozilla/5.0 "quoted" \u2028 ünïcode',
  outcome: 'success',
  requestId: null,
  details: { z: 1, a: [{ b: 2, a: 'x' }], é: true, nested: { y: null, x: 1.5 } },
};

describe('canonicalEventJson', () => {
  it('should equal canonicalJson of the event fields, whatever is missing or odd', () => {
    const variants: Array<Partial<Record<keyof SealedEventFields, unknown>>> = [
      base,
      { ...base, details: undefined },
      { ...base, action: undefined },
      { ...base, action: undefined, actorId: undefined, at: undefined },
      { ...base, target: { evil: ['obj'] }, seq: 1e21 },
      { ...base, details: [] },
    ];
    for (const v of variants) {
      const e = v as SealedEventFields;
      const { seq, at, orgId, actorId, action, target, ip, userAgent, outcome, requestId } = e;
      const expected = canonicalJson({
        seq,
        at,
        orgId,
        actorId,
        action,
        target,
        ip,
        userAgent,
        outcome,
        requestId,
        details: e.details ?? {},
      });
      expect(canonicalEventJson(e)).toBe(expected);
    }
  });

  it('should refuse what canonical JSON cannot represent', () => {
    expect(() => canonicalEventJson({ ...base, seq: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalEventJson({ ...base, details: { f: () => 1 } })).toThrow(TypeError);
  });
});
