import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { manualClock } from '../platform/clock.ts';

describe('/.well-known/security.txt (RFC 9116)', () => {
  let t: TestApp;
  let bare: TestApp;
  const clock = manualClock(new Date('2031-03-01T12:00:00Z'));
  beforeAll(async () => {
    t = await startTestApp({
      clock,
      env: {
        PUBLIC_URL: 'https://chambers.firm.example',
        SECURITY_CONTACT: 'mailto:security@firm.example, https://firm.example/report',
        SECURITY_POLICY_URL: 'https://firm.example/disclosure',
      },
    });
    bare = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
    await bare?.close();
  });

  it('should publish the configured contacts, an Expires under a year ahead, the canonical address and the policy', async () => {
    const res = await t.inject({ method: 'GET', url: '/.well-known/security.txt' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const fields = res.body
      .trim()
      .split('\n')
      .map((l) => l.split(': ')) as Array<[string, string]>;
    expect(fields.filter(([k]) => k === 'Contact').map(([, v]) => v)).toEqual([
      'mailto:security@firm.example',
      'https://firm.example/report',
    ]);
    const expires = new Date(fields.find(([k]) => k === 'Expires')![1]);
    expect(expires.getTime() - clock.now().getTime()).toBeGreaterThan(0);
    expect(expires.getTime() - clock.now().getTime()).toBeLessThan(365 * 24 * 3600 * 1000);
    expect(Object.fromEntries(fields)).toMatchObject({
      Canonical: 'https://chambers.firm.example/.well-known/security.txt',
      Policy: 'https://firm.example/disclosure',
      'Preferred-Languages': 'en',
    });
    // The file is public and carries the same security headers as every response.
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('should answer 404 when no contact is configured, rather than publish a file without one', async () => {
    const res = await bare.inject({ method: 'GET', url: '/.well-known/security.txt' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
