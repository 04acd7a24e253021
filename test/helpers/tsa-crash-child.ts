// Child process of the sealing crash test (src/signatures/seal-crash.fault.test.ts): boots Chambers on
// the data directory and database the parent prepared, completes the last signer's link, and so starts
// sealing. The parent's time-stamp authority holds the request; the parent then kills this process.
import pino from 'pino';
import { boot } from '../../src/boot.ts';
import { loadConfig } from '../../src/platform/config.ts';

const env = JSON.parse(process.env.CHAMBERS_CHILD_ENV ?? '{}') as Record<string, string>;
const token = process.env.CHAMBERS_SIGN_TOKEN ?? '';
const runtime = await boot(loadConfig(env), { logger: pino({ level: 'silent' }) });
process.send?.('booted');
const res = await runtime.app.inject({
  method: 'POST',
  url: `/api/v1/sign/${token}/complete`,
  payload: { signature: { kind: 'typed', value: 'Last Signer' } },
});
process.send?.(`completed ${res.statusCode}`);
