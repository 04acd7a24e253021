import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is `whsec_`
 * and base64 of 32 random bytes; the signature is `v1,<base64 HMAC-SHA256 over
 * "<id>.<timestamp>.<body>">` with the secret's decoded bytes. During a rotation every
 * live secret signs, space-separated, so a receiver holding either one verifies.
 */
export function newEndpointSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`;
}

export type SignedHeaders = { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };

export function signedHeaders(secrets: readonly string[], id: string, at: Date, body: string): SignedHeaders {
  if (secrets.length === 0) throw new Error('an endpoint without a signing secret cannot be sent to');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' '),
  };
}
