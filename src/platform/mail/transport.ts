import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { randomToken } from '../crypto-basics.ts';

/** One message as the transports see it: the caller's fields plus what the queue assigned. */
export interface Outgoing {
  /** Random hex id; also the local part of the Message-ID and the outbox file name. */
  readonly id: string;
  readonly createdAt: Date;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string | undefined;
}

export interface Transport {
  readonly name: 'smtp' | 'outbox';
  /** Resolves once the message is accepted (SMTP) or durably written (outbox); rejects otherwise. */
  deliver(mail: Outgoing): Promise<void>;
  close(): void;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** `20261122T193800123Z`: ISO 8601 basic format, sorts lexically in time order. */
export function outboxTimestamp(d: Date): string {
  return d.toISOString().replace(/[-:.]/g, '');
}

/** The domain of the envelope sender, for Message-ID; `from` may be `Name <addr@domain>`. */
export function senderDomain(from: string): string {
  const m = /@([^\s@<>"]+)>?\s*$/.exec(from);
  return m?.[1]?.toLowerCase() ?? 'chambers.invalid';
}

function mailOptions(from: string, mail: Outgoing): Mail.Options {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html !== undefined ? { html: mail.html } : {}),
    date: mail.createdAt,
    messageId: `<${mail.id}@${senderDomain(from)}>`,
    // RFC 3834: tells autoresponders (vacation replies, etc.) not to answer.
    headers: { 'Auto-Submitted': 'auto-generated' },
    // The content is ours, but never let the composer read local files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * SMTP transport from a `smtp://user:pass@host:port` or `smtps://…` URL. Query parameters in the URL
 * are passed through to nodemailer (e.g. `?requireTLS=false`, `?tls.rejectUnauthorized=false`) and
 * override the defaults below.
 */
export function createSmtpTransport(smtpUrl: string, from: string): Transport & { readonly host: string } {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    // Never echo the URL: it carries the SMTP password.
    throw new Error('mail: smtpUrl is not a valid URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`mail: smtpUrl must use smtp:// or smtps:// (got ${url.protocol})`);
  }
  if (!url.hostname) throw new Error('mail: smtpUrl has no host');
  const loopback = LOOPBACK_HOSTS.has(url.hostname.toLowerCase());

  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    // Plain smtp:// to a remote host must upgrade with STARTTLS or fail: credentials and one-time
    // codes are not sent in clear text. A relay on loopback is exempt. `?requireTLS=false` opts out.
    requireTLS: url.protocol === 'smtp:' && !loopback,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    dnsTimeout: 15_000,
    // nodemailer's own logger would print envelopes and, at debug, message content.
    logger: false,
    debug: false,
  });

  return {
    name: 'smtp',
    host: url.hostname,
    async deliver(mail) {
      await transporter.sendMail(mailOptions(from, mail));
    },
    close() {
      transporter.close();
    },
  };
}

/**
 * Development/air-gapped transport: every message becomes an RFC 5322 `.eml` file in `dir`
 * (created 0700), written atomically with mode 0600. The MIME text comes from nodemailer's
 * stream transport (its MailComposer), so encoding and header folding are not hand-rolled.
 */
export function createOutboxTransport(dir: string, from: string): Transport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  let dirReady: Promise<void> | undefined;

  const ensureDir = async (): Promise<void> => {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw Object.assign(new Error('outbox path is not a directory'), { code: 'ENOTDIR' });
    // Messages carry sign-in codes: tighten a directory someone created too open.
    if ((st.mode & 0o077) !== 0) await fs.chmod(dir, 0o700);
  };

  return {
    name: 'outbox',
    async deliver(mail) {
      // Retry the directory check after a failure (e.g. the disk was briefly unavailable).
      dirReady ??= ensureDir().catch((err: unknown) => {
        dirReady = undefined;
        throw err;
      });
      await dirReady;

      const info = await composer.sendMail(mailOptions(from, mail));
      const raw: unknown = info.message;
      if (!Buffer.isBuffer(raw)) throw new Error('outbox: composer did not return a buffer');

      const name = `${outboxTimestamp(mail.createdAt)}-${mail.id}.eml`;
      const final = path.join(dir, name);
      // Dot-prefixed so readers globbing *.eml never see a half-written file.
      const tmp = path.join(dir, `.${name}.${randomToken(6)}.tmp`);
      const fh = await fs.open(tmp, 'wx', 0o600);
      try {
        await fh.chmod(0o600); // independent of the process umask
        await fh.writeFile(raw);
        await fh.sync();
      } catch (err) {
        await fh.close().catch(() => {});
        await fs.unlink(tmp).catch(() => {});
        throw err;
      }
      await fh.close();
      try {
        await fs.rename(tmp, final);
      } catch (err) {
        await fs.unlink(tmp).catch(() => {});
        throw err;
      }
    },
    close() {
      composer.close();
    },
  };
}
