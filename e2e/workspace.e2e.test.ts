import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createMember } from '../test/helpers/test-app.ts';
import { checkPage, hasChromium, newContext, signInThroughPage, watch } from './helpers/browser.ts';
import type { WebTestApp } from './helpers/web-server.ts';
import { useWebSuite } from './helpers/web-suite.ts';

/** A datetime-local value (local time, minutes) some days from now at 09:30. */
function localInDays(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T09:30`;
}

// A lawyer's first day with the workspace, every step through the UI: a client and its
// contact, a new matter whose conflict check finds that client (accents aside), a deadline
// that shows on the calendar and in the iCalendar feed, a note in markdown and a task.
describe.skipIf(!hasChromium)('web app: clients, conflict check, calendar, notes and tasks in Chromium', () => {
  let t: WebTestApp;
  let browser: Browser;
  useWebSuite((s) => ({ t, browser } = s));

  it('adds a client and contact, opens a matter with a conflict hit, and keeps its deadline, task and note', async () => {
    const lawyer = await createMember(t, { role: 'lawyer', orgName: 'Harbour & Vale LLP' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const problems = watch(page);
    page.on('dialog', (d) => void d.accept());
    await signInThroughPage(page, lawyer);

    // A client and its contact.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await page.waitForURL(/\/clients$/);
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    await page.getByLabel('Kind').selectOption('company');
    await page.getByLabel('Name').fill('Müller Bau GmbH');
    await page.getByLabel('Email').fill('office@mueller-bau.example');
    await page.getByRole('button', { name: 'Add client' }).click();
    await page.getByText('Client Müller Bau GmbH added.').waitFor();
    await page.getByRole('link', { name: 'Müller Bau GmbH' }).click();
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    await page.getByLabel('Contact name').fill('Anna Weiß');
    await page.getByLabel('Contact role').fill('General counsel');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByText('Contact Anna Weiß added.').waitFor();
    await page.getByRole('cell', { name: 'General counsel' }).waitFor();
    await checkPage(page, problems, 'workspace-client');

    // Search without the accent finds her firm.
    await page.getByRole('link', { name: 'Clients', exact: true }).first().click();
    await page.getByLabel('Search clients').fill('muller');
    await page.getByRole('search', { name: 'Clients' }).getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Müller Bau GmbH' }).waitFor();

    // A new matter for "Muller Bau" against Schmidt: the conflict check finds the existing client.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Matters' }).click();
    await page.waitForURL(/\/matters$/);
    await page.getByLabel('Title').fill('Muller Bau v Schmidt');
    await page.getByLabel('Client', { exact: true }).fill('muller bau gmbh');
    await page.getByLabel('Other parties (one per line)').fill('Schmidt Transporte AG');
    await page.getByRole('button', { name: 'Open matter' }).click();
    const conflicts = page.getByRole('list', { name: 'Possible conflicts' });
    await conflicts.waitFor();
    await expect.poll(() => conflicts.textContent()).toContain('Müller Bau GmbH');
    expect(await conflicts.textContent()).toContain('same name');
    await checkPage(page, problems, 'workspace-conflict-check');

    // The matter: a deadline, a task and a note.
    await page.getByRole('link', { name: 'Muller Bau v Schmidt' }).click();
    await page.waitForURL(/\/matters\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Muller Bau v Schmidt', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Parties' }).getByText('Schmidt Transporte AG').waitFor();

    await page.getByLabel('What').fill('File the statement of claim');
    await page.getByLabel('When').fill(localInDays(3));
    await page.getByRole('button', { name: 'Add to calendar' }).click();
    await page.getByText('Deadline “File the statement of claim” added to the calendar.').waitFor();

    await page.getByLabel('Task', { exact: true }).fill('Collect the invoices');
    await page.getByLabel('Assignee').selectOption({ label: 'Test User' });
    await page.getByLabel('Task due').fill(localInDays(2));
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.getByText('Task “Collect the invoices” added.').waitFor();
    await page.getByRole('checkbox', { name: 'Done: Collect the invoices' }).click();
    await page.getByText('“Collect the invoices” done.').waitFor();

    await page
      .getByLabel('New note')
      .fill('Call with **Anna**: see [the register](https://example.com/register) <img src=x onerror=alert(1)>');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Note added.').waitFor();
    const notes = page.getByRole('list', { name: 'Notes' });
    await notes.locator('strong', { hasText: 'Anna' }).waitFor();
    const link = notes.getByRole('link', { name: 'the register' });
    expect(await link.getAttribute('href')).toBe('https://example.com/register');
    expect(await link.getAttribute('rel')).toContain('noopener');
    // The HTML was shown as text, not run.
    expect(await notes.locator('img').count()).toBe(0);
    await notes.getByText('<img src=x onerror=alert(1)>').waitFor();
    await checkPage(page, problems, 'workspace-matter-work');

    // The calendar shows the deadline; the iCalendar feed carries it until revoked.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calendar' }).click();
    await page.waitForURL(/\/calendar$/);
    // The old page stays on screen until the lazily loaded one renders: wait for the new heading.
    await page.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
    await page
      .getByRole('list', { name: /^Due on / })
      .getByText('File the statement of claim')
      .waitFor();
    await page.getByRole('button', { name: 'Create feed URL' }).click();
    const feedUrl = await page.getByLabel('Feed URL').inputValue();
    expect(feedUrl).toMatch(new RegExp(`^${t.baseUrl}/api/v1/calendar/feed/[A-Za-z0-9_-]{43}$`));
    await page.getByRole('button', { name: 'Copy URL' }).click();
    await page.getByText('Feed URL copied.').waitFor();
    const feed = await fetch(feedUrl);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    const ics = await feed.text();
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).toContain('SUMMARY:Deadline: File the statement of claim');
    await checkPage(page, problems, 'workspace-calendar');

    await page.getByRole('button', { name: 'Revoke feed' }).click();
    await page.getByText('Calendar feed revoked.').waitFor();
    expect((await fetch(feedUrl)).status).toBe(404);
    await checkPage(page, problems, 'workspace-calendar-revoked');
    await context.close();
  });
});
