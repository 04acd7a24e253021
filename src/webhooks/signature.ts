import crypto from 'node:crypto';

/**
 * The Chambers webhook signature, the same in both directions:
 * `X-Chambers-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>`,
 * timestamp in Unix seconds. Several `v1=` values (comma-separated) may be sent,
 * e.g. one per secret during a rotation.
 */
export const SIGNATURE_HEADERS = {
  timestamp: 'x-chambers-timestamp',
  eventId: 'x-chambers-event-id',
  signature: 'x-chambers-signature',
} as const;

/** Deliveries signed further than this from now (either way) are refused. */
export const TIMESTAMP_TOLERANCE_S = 5 * 60;

export function signPayload(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return `v1=${signPayload(secret, timestamp, rawBody)}`;
}

/** The `v1` signatures of a header value, as 32-byte buffers; null when the header is malformed. */
export function parseSignatureHeader(value: string): Buffer[] | null {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.length > 5) return null;
  const v1: Buffer[] = [];
  for (const part of parts) {
    const m = /^(v\d+)=([0-9a-fA-F]+)$/.exec(part);
    if (!m) return null;
    if (m[1] === 'v1') {
      if (m[2]!.length !== 64) return null;
      v1.push(Buffer.from(m[2]!, 'hex'));
    }
  }
  return v1.length > 0 ? v1 : null;
}

/** The offered signature that matches one of the secrets (constant-time compare), or null. */
export function matchSignature(
  secrets: string[],
  timestamp: number,
  rawBody: Buffer,
  offered: Buffer[],
): Buffer | null {
  let matched: Buffer | null = null;
  for (const secret of secrets) {
    const expected = Buffer.from(signPayload(secret, timestamp, rawBody), 'hex');
    for (const candidate of offered) {
      // Every comparison runs: how many secrets or offers matched does not show in the timing.
      if (crypto.timingSafeEqual(expected, candidate) && !matched) matched = candidate;
    }
  }
  return matched;
}

/** A fresh signing secret: 256 random bits, prefixed so it is recognisable in a secret scanner. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64url')}`;
}
