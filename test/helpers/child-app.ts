import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export type ChildApp = { port: number; accessToken: string; url: (p: string) => string; stop(): Promise<void> };

/** Starts test/helpers/app-process.ts in its own Node process (its own event loop and memory). */
export function startChildApp(env: Record<string, string>): Promise<ChildApp> {
  const child: ChildProcess = fork(path.join(here, 'app-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, CHAMBERS_CHILD_ENV: JSON.stringify(env) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`app process exited with ${code} before it was ready`)));
    child.once('message', (m) => {
      const { port, accessToken } = m as { port: number; accessToken: string };
      resolve({
        port,
        accessToken,
        url: (p) => `http://127.0.0.1:${port}${p}`,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.send('stop');
          }),
      });
    });
  });
}
