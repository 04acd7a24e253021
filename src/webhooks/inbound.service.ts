import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AppContext } from '../context/index.ts';
import type { RequestFacts } from '../access/index.ts';
import { withTenant } from '../platform/db/index.ts';
import { AppError, type ErrorCode } from '../platform/errors.ts';
import { openSecret } from '../crypto/index.ts';
import * as repo from './webhooks.repository.ts';
import { SECRET_PURPOSE } from './webhooks.service.ts';
import { SIGNATURE_HEADERS, TIMESTAMP_TOLERANCE_S, matchSignature, parseSignatureHeader } from './signature.ts';

const EVENT_ID = /^[\x21-\x7e]{1,200}$/;
const TIMESTAMP = /^\d{1,12}$/;
/** Compared against when the integration does not exist, so an unknown id costs the same as a wrong signature. */
const DUMMY_SECRET = crypto.randomBytes(32).toString('base64url');

type SigningHeaders = { timestamp: number; eventId: string; signatures: Buffer[] };

function signingHeaders(headers: IncomingHttpHeaders): SigningHeaders {
  const one = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const ts = one(SIGNATURE_HEADERS.timestamp);
  const eventId = one(SIGNATURE_HEADERS.eventId);
  const signature = one(SIGNATURE_HEADERS.signature);
  const signatures = signature === undefined || signature.length > 1024 ? null : parseSignatureHeader(signature);
  if (!ts || !TIMESTAMP.test(ts) || !eventId || !EVENT_ID.test(eventId) || !signatures)
    throw new AppError('WEBHOOK_SIGNATURE_MISSING');
  return { timestamp: Number(ts), eventId, signatures };
}

/**
 * Verifies one inbound delivery over its raw bytes and records it. Order: headers,
 * timestamp tolerance, signature (current secret, or the previous one inside its
 * overlap window), and only then the body as JSON and the replay store. Every
 * refusal is a 401 decided before anything of the body is interpreted.
 */
export async function unsafeAcceptDelivery(
  ctx: AppContext,
  input: { integrationId: string; headers: IncomingHttpHeaders; rawBody: Buffer },
  facts: RequestFacts,
): Promise<{ eventId: string }> {
  const signed = signingHeaders(input.headers);
  const now = ctx.clock.now();
  const found = await repo.unsafeFindVerificationSecrets(ctx.db, input.integrationId, now);
  const target = `webhook_integration:${input.integrationId}`;
  const deny = async (code: ErrorCode, reason: string): Promise<never> => {
    if (found)
      await ctx.audit.record({
        action: 'webhook.received',
        outcome: 'denied',
        orgId: found.orgId,
        actorId: null,
        target,
        details: { reason },
        ...facts,
      });
    throw new AppError(code);
  };

  if (Math.abs(now.getTime() / 1000 - signed.timestamp) > TIMESTAMP_TOLERANCE_S)
    return deny('WEBHOOK_TIMESTAMP_STALE', 'stale');
  const secrets = found
    ? found.secrets.map((s) => openSecret(ctx.keys.masterKey, SECRET_PURPOSE, s.ciphertext, s.id))
    : [DUMMY_SECRET];
  const matched = matchSignature(secrets, signed.timestamp, input.rawBody, signed.signatures);
  if (!found || !matched) return deny('WEBHOOK_SIGNATURE_INVALID', 'signature');

  // Authentic: now, and only now, the body is looked at.
  try {
    JSON.parse(input.rawBody.toString('utf8'));
  } catch {
    throw new AppError('MALFORMED_JSON');
  }
  // The signature digest is stored too: the event id header is not signed, so a captured
  // delivery re-sent under a new event id is still the same signature.
  const signatureDigest = crypto.createHash('sha256').update(matched).digest('hex');
  const fresh = await withTenant(ctx.db, { orgId: found.orgId, userId: null }, (tx) =>
    repo.recordDelivery(tx, {
      integrationId: input.integrationId,
      orgId: found.orgId,
      eventId: signed.eventId,
      signatureDigest,
      receivedAt: now,
    }),
  );
  if (!fresh) return deny('WEBHOOK_REPLAYED', 'replayed');
  await ctx.audit.record({
    action: 'webhook.received',
    outcome: 'success',
    orgId: found.orgId,
    actorId: null,
    target,
    details: { eventId: signed.eventId },
    ...facts,
  });
  return { eventId: signed.eventId };
}
