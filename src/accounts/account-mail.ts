import type { MailMessage } from '../platform/mail/index.ts';

/** The texts of account mail. Plain text: no tracking pixels, no remote content. */
export const accountMail = {
  verifyEmail: (to: string, code: string): MailMessage => ({
    to,
    kind: 'auth.verify-email',
    subject: 'Your Chambers verification code',
    text: `Your Chambers verification code is ${code}.\n\nIt is valid for 30 minutes. If you did not sign up, ignore this message.\n`,
  }),
  registrationAttempt: (to: string): MailMessage => ({
    to,
    kind: 'auth.register-existing',
    subject: 'Someone tried to register with your address',
    text: 'Someone tried to create a Chambers account with this email address, which already has one.\n\nIf it was you, sign in instead (or reset your password). If not, you need do nothing: your account is unchanged.\n',
  }),
  emailChangeCode: (to: string, code: string): MailMessage => ({
    to,
    kind: 'auth.email-change',
    subject: 'Confirm your new Chambers address',
    text: `Your Chambers address confirmation code is ${code}.\n\nIt is valid for 30 minutes. If you did not ask for it, ignore this message.\n`,
  }),
  emailChanged: (to: string, newEmail: string): MailMessage => ({
    to,
    kind: 'auth.email-changed',
    subject: 'Your Chambers sign-in address was changed',
    text: `The sign-in address of your Chambers account was changed to ${newEmail}. Your other sessions were signed out.\n\nIf this was not you, contact your administrator now.\n`,
  }),
  passwordReset: (to: string, code: string): MailMessage => ({
    to,
    kind: 'auth.password-reset',
    subject: 'Your Chambers password reset code',
    text: `Your Chambers password reset code is ${code}.\n\nIt is valid for 30 minutes. If you did not ask for it, ignore this message; your password is unchanged.\n`,
  }),
  passwordChanged: (to: string, how: 'changed' | 'reset'): MailMessage => ({
    to,
    kind: 'auth.password-changed',
    subject: 'Your Chambers password was changed',
    text: `Your Chambers password was ${how}. ${how === 'reset' ? 'Every session was signed out.' : 'Your other sessions were signed out.'}\n\nIf this was not you, reset your password now and tell your administrator.\n`,
  }),
  newDevice: (to: string, facts: { ip: string | null; userAgent: string | null; at: Date }): MailMessage => ({
    to,
    kind: 'auth.new-device',
    subject: 'New sign-in to your Chambers account',
    text: `Your account was signed in from a new device.\n\nWhen: ${facts.at.toISOString()}\nIP address: ${facts.ip ?? 'unknown'}\nBrowser: ${(facts.userAgent ?? 'unknown').slice(0, 200)}\n\nIf this was not you, change your password and sign out all sessions.\n`,
  }),
  /** Any change to how the account signs in: a factor added or removed, backup codes replaced. */
  securityChange: (to: string, what: string): MailMessage => ({
    to,
    kind: 'auth.security-change',
    subject: 'Your Chambers sign-in settings changed',
    text: `This change was just made to your Chambers account: ${what}.\n\nIf this was not you, reset your password now and tell your administrator.\n`,
  }),
  invitation: (to: string, org: string, role: string, link: string): MailMessage => ({
    to,
    kind: 'org.invitation',
    subject: `You are invited to ${org} on Chambers`,
    text: `You are invited to join ${org} on Chambers as ${role}.\n\nAccept within 7 days: ${link}\n\nIf you did not expect this, ignore this message.\n`,
  }),
};
