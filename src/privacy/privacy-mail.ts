import type { MailMessage } from '../platform/mail/index.ts';

/** The privacy lifecycle's mail. Plain text: no tracking pixels, no remote content. */
export const privacyMail = {
  accountErased: (to: string): MailMessage => ({
    to,
    kind: 'privacy.account-erased',
    subject: 'Your Chambers account was deleted',
    text:
      'Your Chambers account was deleted at your request. Every session was signed out and your personal data was erased.\n\n' +
      'Records your organizations must keep (matters, filed documents, signing evidence) remain under a pseudonym.\n' +
      'This is the last message Chambers sends to this address. If this was not you, contact your administrator now.\n',
  }),
};
