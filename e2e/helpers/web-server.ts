import net from 'node:net';
import { startTestApp, type TestApp, type TestAppOptions } from '../../test/helpers/test-app.ts';

export type WebTestApp = TestApp & { baseUrl: string };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A whole Chambers listening on a random port of 127.0.0.1 over plain HTTP:
 * Chromium treats 127.0.0.1 as a secure context, so it keeps the __Host- Secure cookies.
 */
export async function startWebServer(opts: TestAppOptions = {}): Promise<WebTestApp> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t = await startTestApp({
    ...opts,
    env: { PORT: String(port), PUBLIC_URL: baseUrl, AUDIT_CHECKPOINT_EVERY: '1', ...opts.env },
  });
  await t.app.listen({ host: '127.0.0.1', port });
  return Object.assign(t, { baseUrl });
}
