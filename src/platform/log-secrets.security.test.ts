/**
 * Attack: someone who can read the server's logs (an operator, a log shipper, a SIEM)
 * collects share-link tokens from request paths, or SQL parameters (argon2id hashes,
 * matter titles, client names) from the lines a failed query leaves. Every route whose
 * path carries a secret parameter is walked from the route table, and no marker may
 * reach any log line, at the most talkative level.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { memoryLog } from '../../test/helpers/memory-log.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, testDatabaseKind } from '../../test/helpers/test-db.ts';
import { routeTableOf } from '../access/index.ts';
import { boot, type Runtime } from '../boot.ts';
import { loadConfig } from './config.ts';
import { SECRET_PATH_PARAMS, loggableError, loggerOptions } from './logger.ts';

describe('secrets in the request log', () => {
  const mem = memoryLog();
  let runtime: Runtime;
  let dataDir: string;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-logsec-'));
    const scratch = testDatabaseKind() === 'postgres' ? await createScratchDatabase() : null;
    drop = scratch?.drop;
    const config = loadConfig({
      CHAMBERS_DATA_DIR: dataDir,
      LOG_LEVEL: 'trace',
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    });
    runtime = await boot(config, {
      logger: pino(loggerOptions('trace'), mem.stream),
      ...(scratch ? {} : { pglite: { inMemory: true as const } }),
    });
  });
  afterAll(async () => {
    await runtime?.close();
    await drop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should never log a secret path parameter of any route that declares one', async () => {
    const secretRoutes = routeTableOf(runtime.app).filter((r) =>
      r.url.split('/').some((seg) => seg.startsWith(':') && SECRET_PATH_PARAMS.includes(seg.slice(1))),
    );
    // Today: the share-link bytes and the public share page; signer and invitation links join this list by naming their parameter so.
    expect(secretRoutes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /s/:token', 'GET /share/:token']),
    );
    for (const [i, route] of secretRoutes.entries()) {
      const marker = `SeCrEt${i}x${'q'.repeat(30)}`;
      const url = route.url
        .split('/')
        .map((seg) =>
          seg.startsWith(':')
            ? SECRET_PATH_PARAMS.includes(seg.slice(1))
              ? marker
              : '00000000-0000-4000-8000-000000000000'
            : seg,
        )
        .join('/');
      const res = await runtime.app.inject({ method: route.method as 'GET', url: `${url}?also=${marker}` });
      expect(res.statusCode, `${route.method} ${route.url}`).toBeLessThan(500);
      expect(mem.text(), `${route.method} ${route.url} leaked its secret into the log`).not.toContain(marker);
    }
    // The request was logged, with the segment blanked rather than dropped.
    expect(mem.text()).toContain('/s/[redacted]');
  });

  it('should keep an error line to its type, message, code and stack: never SQL parameters, rows or query detail', () => {
    const log = memoryLog();
    const logger = pino(loggerOptions('info'), log.stream);
    const failure = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      code: '23505',
      parameters: ['$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g', 'Müller v. Schmidt'],
      detail: 'Key (email)=(partner@firm.example) already exists.',
      query: 'INSERT INTO chambers.matters (title, client_name) VALUES ($1, $2)',
      cause: Object.assign(new Error('inner'), { row: { client_name: 'Schmidt GmbH' } }),
    });
    logger.error({ err: failure }, 'unhandled error');
    const line = JSON.parse(log.text()) as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({ type: 'Error', message: failure.message });
    expect(Object.keys(line.err).sort()).toEqual(['code', 'message', 'stack', 'type', 'cause'].sort());
    for (const leak of ['argon2id', 'Müller', 'partner@firm.example', 'INSERT INTO', 'Schmidt GmbH'])
      expect(log.text()).not.toContain(leak);
    expect(loggableError({ message: 'plain', code: 'E1', rows: ['x'] })).toEqual({
      type: 'Error',
      message: 'plain',
      code: 'E1',
    });
  });
});
