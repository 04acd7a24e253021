import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.ts';
import { startWebServer, type WebTestApp } from './web-server.ts';

/**
 * The setup every browser suite shares: a web server and a Chromium started before
 * its tests (handed over through `use`) and both closed after them.
 */
export function useWebSuite(
  use: (s: { t: WebTestApp; browser: Browser }) => void,
  opts?: Parameters<typeof startWebServer>[0],
): void {
  let t: WebTestApp | undefined;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    t = await startWebServer(opts);
    const launched = await launchBrowser();
    close = launched.close;
    use({ t, browser: launched.browser });
  });
  afterAll(async () => {
    await close?.();
    await t?.close();
  });
}
