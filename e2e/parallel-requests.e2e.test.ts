import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createMember } from '../test/helpers/test-app.ts';
import { expectClean, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

// The heaviest pages ask the API for what they show all at once, not one request after
// another (issue 14, item 9). The test server answers in a few milliseconds, so timing alone
// proves nothing: every API request is held back HOLD_MS before it goes on to the server,
// and the test compares the order in which the browser reported requests starting and
// finishing. A chain (`await a; await b`, or a panel mounted only once its parent's data
// arrived) cannot start b before a has finished; requests made together all start first.

/** How long each API request waits before it reaches the server: far longer than the page needs to start the others. */
const HOLD_MS = 300;

type Call = { method: string; path: string; started: number; finished: number | null };

/** Every /api/v1 request of the page, numbered in the order the browser reported each start and end. */
async function recordApiCalls(page: Page) {
  let order = 0;
  let calls: Call[] = [];
  const byRequest = new Map<Request, Call>();
  await page.route('**/api/v1/**', async (route) => {
    await sleep(HOLD_MS);
    await route.continue().catch(() => undefined); // the page may have navigated away meanwhile
  });
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (!url.pathname.startsWith('/api/v1/')) return;
    const call: Call = { method: req.method(), path: url.pathname, started: ++order, finished: null };
    calls.push(call);
    byRequest.set(req, call);
  });
  const end = (req: Request) => {
    const call = byRequest.get(req);
    if (call) call.finished = ++order;
  };
  page.on('requestfinished', end);
  page.on('requestfailed', end);
  return {
    /** Forgets what was recorded, before the next page is opened. */
    clear() {
      calls = [];
      byRequest.clear();
    },
    /**
     * Waits until each expected GET has finished, then checks they overlapped: the last of them
     * started before the first of them finished.
     */
    async expectTogether(expected: Array<string | RegExp>) {
      const matches = (p: string | RegExp, c: Call) =>
        c.method === 'GET' && (typeof p === 'string' ? c.path === p : p.test(c.path));
      const describe = () => calls.map((c) => `${c.method} ${c.path} ${c.started}→${c.finished ?? '…'}`).join('\n');
      await expect
        .poll(() => expected.every((p) => calls.some((c) => matches(p, c) && c.finished !== null)), {
          timeout: 15_000,
          message: `expected requests did not all finish:\n${describe()}`,
        })
        .toBe(true);
      const group = calls.filter((c) => expected.some((p) => matches(p, c)));
      const lastStart = Math.max(...group.map((c) => c.started));
      const firstEnd = Math.min(...group.map((c) => c.finished ?? Infinity));
      expect(lastStart, `a request waited for another one to finish:\n${describe()}`).toBeLessThan(firstEnd);
    },
  };
}

describe.skipIf(!hasChromium)('web app: a page asks for its independent data together', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('loads the matter page, the administration pages and the calendar with overlapping requests', async () => {
    const admin = await createMember(t, { role: 'org_admin', orgName: 'Parallel & Partners' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, admin, { totp: true });

    await page.getByLabel('Title').fill('Harbour v Quay');
    await page.getByRole('button', { name: 'Open matter' }).click();
    const link = page.getByRole('link', { name: 'Harbour v Quay' });
    await link.waitFor();
    const matterPath = await link.getAttribute('href');
    expect(matterPath).toMatch(/^\/matters\/[0-9a-f-]{36}$/);
    const matter = `/api/v1${matterPath}`;

    const calls = await recordApiCalls(page);

    // The matter page: the matter and its documents, and every panel's own list. The overview's
    // members and the signature panel's envelopes used to wait for the matter and the documents.
    calls.clear();
    await page.goto(matterPath!);
    await page.getByRole('heading', { name: 'Harbour v Quay', level: 1 }).waitFor();
    await calls.expectTogether([
      matter,
      `${matter}/documents`,
      '/api/v1/tasks/assignees',
      '/api/v1/envelopes',
      `${matter}/parties`,
      `${matter}/deadlines`,
      `${matter}/tasks`,
      `${matter}/notes`,
      `${matter}/wall`,
      `/api/v1/orgs/${admin.orgId}/members`,
    ]);
    await page.getByText('No envelopes for this matter yet.').waitFor();

    // Administration opens on the members and the pending invitations.
    calls.clear();
    await page.goto('/admin');
    await page.waitForURL(/\/admin\/members$/);
    await calls.expectTogether([`/api/v1/orgs/${admin.orgId}/members`, `/api/v1/orgs/${admin.orgId}/invitations`]);

    // The audit trail: events, the filters' choices, and the signed checkpoint with its key.
    calls.clear();
    await page.goto('/admin/audit');
    await calls.expectTogether([
      '/api/v1/audit/events',
      `/api/v1/orgs/${admin.orgId}/members`,
      '/api/v1/matters',
      '/api/v1/audit/checkpoint',
      '/api/v1/audit/public-key',
    ]);

    // The calendar: what is coming up and the member's feed.
    calls.clear();
    await page.goto('/calendar');
    await page.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
    await calls.expectTogether(['/api/v1/calendar', '/api/v1/calendar/feed']);

    await expectClean(page, problems);
    await context.close();
  });

  it("loads a judge's case file and its documents together", async () => {
    const judge = await createMember(t, { role: 'judge', kind: 'court', orgName: 'Parallel District Court' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    await signInThroughPage(page, judge, { totp: true, landing: /\/judge$/ });
    await page.getByLabel('Case number').fill('CV-2026-9');
    await page.getByLabel('Case title').fill('Pier Trust v. Lantern');
    await page.getByLabel('Party name').fill('Pier Trust');
    await page.getByLabel('Party role').fill('plaintiff');
    await page.getByRole('button', { name: 'Open case' }).click();
    const link = page.getByRole('link', { name: 'Pier Trust v. Lantern' });
    await link.waitFor();
    const casePath = await link.getAttribute('href');
    expect(casePath).toMatch(/^\/judge\/cases\/[0-9a-f-]{36}$/);
    const api = `/api/v1/judicial/cases/${casePath!.split('/').at(-1)}`;

    const calls = await recordApiCalls(page);
    await page.goto(casePath!);
    // The documents used to be read only once the case had arrived.
    await calls.expectTogether([api, `${api}/notes`, `${api}/orders`, `${api}/documents`]);
    await page.getByText('No documents on this case yet.').waitFor();
    await expectClean(page, problems);
    await context.close();
  });
});
