import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'kysely';
import { createMember } from '../test/helpers/test-app.ts';
import { checkPage, expectClean, hasChromium, newContext, watch, signInThroughPage } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// The firm's own idle limit (Administration → Security settings) is what the server enforces, so the
// banner counts down from it when it is shorter than the deployment's web setting. The deployment here
// allows an hour; the firm allows 5 minutes, and the warning window (290 s) puts the banner up after
// ~10 s of inactivity. Counting from the deployment's hour, it would not appear for 55 minutes.
describe.skipIf(!hasChromium)("web app: idle warning from the firm's setting", () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s), {
    env: { WEB_IDLE_TIMEOUT_SECONDS: '3600', WEB_IDLE_WARNING_SECONDS: '290' },
  });

  it("warns against the firm's 5-minute limit, not the deployment's hour", async () => {
    const lawyer = await createMember(t, { role: 'lawyer', orgName: 'Brief Idle LLP' });
    await sql`UPDATE chambers.organizations SET settings = settings || '{"idleTimeoutMinutes": 5}'::jsonb
               WHERE id = ${lawyer.orgId}`.execute(t.ctx.db.owner);
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, lawyer);
    const banner = page.getByRole('alertdialog', { name: 'Are you still there?' });
    await banner.waitFor({ timeout: 30_000 });
    const seconds = Number(/(\d+) seconds?/.exec((await banner.textContent()) ?? '')?.[1]);
    expect(seconds).toBeGreaterThan(200);
    expect(seconds).toBeLessThanOrEqual(290);
    await checkPage(page, problems, 'idle-banner-org-limit');
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    await banner.waitFor({ state: 'hidden', timeout: 5_000 });
    await expectClean(page, problems);
    await context.close();
  }, 90_000);
});
