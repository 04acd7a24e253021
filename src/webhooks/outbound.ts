import { safeFetch, type SsrfPolicy } from '../platform/outbound/index.ts';
import { SIGNATURE_HEADERS, signatureHeader } from './signature.ts';

export type OutboundEvent = { id: string; type: string; data: Record<string, unknown> };
export type DeliveryResult = { status: number; ok: boolean };

/**
 * Posts one event to a subscriber's URL, signed like inbound deliveries
 * (`X-Chambers-Signature: v1=<HMAC-SHA256(secret, timestamp.body)>`), through the
 * SSRF guard: the URL must resolve to public addresses only (or be allow-listed
 * with SSRF_ALLOW_HOSTS), redirects are not followed, and the answer is capped.
 *
 * @example
 *   await deliverWebhook(sub.url, { id, type: 'matter.created', data: { matterId } }, secret, { policy: { allowHosts: config.ssrfAllowHosts } });
 */
export async function deliverWebhook(
  url: string,
  event: OutboundEvent,
  secret: string,
  opts: { policy?: SsrfPolicy; now?: Date; timeoutMs?: number } = {},
): Promise<DeliveryResult> {
  const body = JSON.stringify(event);
  const timestamp = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const res = await safeFetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADERS.timestamp]: String(timestamp),
      [SIGNATURE_HEADERS.eventId]: event.id,
      [SIGNATURE_HEADERS.signature]: signatureHeader(secret, timestamp, body),
    },
    body,
    maxRedirects: 0,
    maxBytes: 64 * 1024,
    timeoutMs: opts.timeoutMs ?? 10_000,
    policy: opts.policy,
  });
  return { status: res.status, ok: res.status >= 200 && res.status < 300 };
}
