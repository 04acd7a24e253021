import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { oathtoolCode } from '../../test/helpers/mfa.ts';
import { factorsOf } from '../../test/helpers/test-app.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

/** Debian's chromium, headless; Playwright gives every launch a fresh temporary profile (and each context is a clean one). */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
    },
  };
}

/** Everything a page said that a user should never cause: console errors, page errors, CSP violations. */
export type PageProblems = { console: string[]; pageErrors: string[]; csp: string[] };

export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, acceptDownloads: true, viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  // Runs before any page script (through the DevTools protocol, so the CSP does not apply to it).
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return context;
}

export function watch(page: Page): PageProblems {
  const problems: PageProblems = { console: [], pageErrors: [], csp: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.console.push(msg.text());
  });
  page.on('pageerror', (err) => problems.pageErrors.push(err.message));
  return problems;
}

/** No CSP violation so far on this page, no console or page error. */
export async function expectClean(page: Page, problems: PageProblems): Promise<void> {
  const csp = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
  // The messages go into the label: a failure on CI must say what the page said, not "Array(1)".
  expect(csp, `CSP violations: ${csp.join(' | ')}`).toEqual([]);
  expect(problems.pageErrors, `page errors: ${problems.pageErrors.join(' | ')}`).toEqual([]);
  expect(problems.console, `console errors: ${problems.console.join(' | ')}`).toEqual([]);
}

/** axe-core on the current page: no serious or critical violation. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: typeof axe };
    const result = await w.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      );
  });
  expect(violations, `accessibility of ${label}`).toEqual([]);
}

/** A full-page screenshot under e2e/screenshots/ (git-ignored), refreshed on every run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Checks a page the way every test does: accessible, clean, and photographed. */
export async function checkPage(page: Page, problems: PageProblems, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expectAccessible(page, name);
  await expectClean(page, problems);
  await screenshot(page, name);
}

/**
 * Signs a member in through the sign-in page like a person would: email and password,
 * then (for members with fixture factors) the authenticator code computed by oathtool.
 */
export async function signInThroughPage(
  page: Page,
  member: { email: string; password: string },
  opts: { totp?: boolean; landing?: RegExp } = {},
): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email address').fill(member.email);
  await page.getByLabel('Password').fill(member.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (opts.totp) {
    await page.getByLabel('Authentication code').fill(oathtoolCode(factorsOf(member.email).secret));
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.waitForURL(opts.landing ?? /\/matters$/);
}
