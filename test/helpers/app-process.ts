// Child process: a whole Chambers (startTestApp) listening on a real port, for tests that need
// several app processes at once. Env for the app comes as JSON in CHAMBERS_CHILD_ENV; it reports
// {port, accessToken} over IPC and closes on the message 'stop'.
import { signedInMember, startTestApp } from './test-app.ts';

const env = JSON.parse(process.env.CHAMBERS_CHILD_ENV ?? '{}') as Record<string, string>;
const t = await startTestApp({ env });
const lawyer = await signedInMember(t, { role: 'lawyer' });
await t.app.listen({ host: '127.0.0.1', port: 0 });
const address = t.app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0, accessToken: lawyer.accessToken });
process.on('message', (m) => {
  if (m === 'stop') void t.close().then(() => process.exit(0));
});
