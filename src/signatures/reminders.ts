import type { AppContext } from '../context/index.ts';
import type { MailMessage } from '../platform/mail/index.ts';
import { newSignerToken, sha256Hex } from './box.ts';
import { signerMail } from './envelopes.service.ts';
import * as repo from './signatures.repository.ts';

/** A recipient who has not acted is reminded this long after their last mail, at most MAX_REMINDERS times. */
export const REMIND_AFTER_MS = 3 * 86_400_000;
export const MAX_REMINDERS = 3;

/**
 * Mails a reminder to every recipient whose turn it is and who has not acted for three
 * days. The token is stored only hashed, so a reminder carries a fresh link and the old
 * one stops working. Each recipient is claimed by a conditional update, so two servers
 * running the job at once remind a person once.
 */
export async function unsafeSendReminders(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const due = await repo.unsafeRecipientsDueForReminder(ctx.db, now, REMIND_AFTER_MS, MAX_REMINDERS);
  const perEnvelope = new Map<string, { orgId: string; n: number }>();
  const mails: MailMessage[] = [];
  for (const r of due) {
    const token = newSignerToken();
    const claimed = await repo.unsafeOwnerTx(ctx.db, async (tx) => {
      if (!(await repo.claimReminder(tx, r.id, r.reminders, sha256Hex(token), now))) return false;
      await repo.insertEvent(tx, {
        orgId: r.org_id,
        envelopeId: r.envelope_id,
        recipientId: r.id,
        kind: 'remind',
        details: { reminder: r.reminders + 1 },
      });
      return true;
    });
    if (!claimed) continue;
    const mail = signerMail(
      r.email,
      r.name,
      r.organization,
      r.title,
      r.message,
      `${ctx.config.publicUrl}/sign/${token}`,
      new Date(r.expires_at),
    );
    mails.push({
      ...mail,
      kind: 'envelope.sign_reminder',
      subject: `Reminder: ${mail.subject}`.slice(0, 200),
      text: `${mail.text}\nThis reminder replaces the link sent before, which no longer works.\n`,
    });
    const seen = perEnvelope.get(r.envelope_id) ?? { orgId: r.org_id, n: 0 };
    perEnvelope.set(r.envelope_id, { ...seen, n: seen.n + 1 });
  }
  for (const m of mails) ctx.mailer.send(m);
  for (const [envelopeId, { orgId, n }] of perEnvelope)
    await ctx.audit.record({
      action: 'envelope.remind',
      outcome: 'success',
      orgId,
      actorId: null,
      target: envelopeId,
      details: { reminded: n },
      ip: null,
      userAgent: null,
      requestId: null,
    });
  return mails.length;
}
