export {
  createMailer,
  recipientDomain,
  DEFAULT_RETRY,
  DEFAULT_MAX_QUEUE,
  type Mailer,
  type MailMessage,
  type MailLogger,
  type MailerOptions,
  type RetryPolicy,
} from './mailer.ts';
