import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

type Received = { raw: string; from: string | undefined; to: string[] };

describe('account mail over a real SMTP server', () => {
  const received: Received[] = [];
  let smtp: SMTPServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            raw: Buffer.concat(chunks).toString('utf8'),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((a: SMTPServerAddress) => a.address),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      smtp.once('error', reject);
      smtp.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (smtp.server.address() as net.AddressInfo).port;
    t = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  it('should send the verification code through SMTP, not to the outbox, and that code should verify the address', async () => {
    const email = 'smtp-user@example.com';
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: 'juniper-obelisk-ferries-35', name: 'Sam Smtp' },
    });
    expect(res.statusCode).toBe(202);
    await t.ctx.mailer.flush(5_000);

    const mine = received.filter((m) => m.to.includes(email));
    expect(mine).toHaveLength(1);
    const raw = mine[0]!.raw;
    expect(raw).toMatch(/^To: smtp-user@example\.com\r?$/im);
    expect(raw).toMatch(/^Subject: .*verification code/im);
    const code = /code is (\d{6})\b/.exec(raw.replace(/=\r?\n/g, ''))?.[1];
    expect(code).toMatch(/^\d{6}$/);

    const outbox = path.join(t.dataDir, 'outbox');
    expect(fs.existsSync(outbox) ? fs.readdirSync(outbox) : []).toEqual([]);

    const verified = await t.inject({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { email, code } });
    expect(verified.statusCode).toBe(200);
    const login = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'juniper-obelisk-ferries-35' },
    });
    expect(login.statusCode).toBe(200);
  });
});
