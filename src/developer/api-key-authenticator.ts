import crypto from 'node:crypto';
import type { ApiKeyAuthenticator, Principal } from '../access/index.ts';
import type { AppContext } from '../context/index.ts';
import { AppError } from '../platform/errors.ts';
import { API_KEY_SHAPE, apiKeyHash } from './api-key-secret.ts';
import { unsafeAuthenticateApiKey, unsafeCountCallsSince } from './api-keys.repository.ts';
import { createKeyQuota, type KeyQuota } from './key-quota.ts';
import { createKeyRateLimiter, type KeyRateLimiter } from './key-rate-limit.ts';

/**
 * Turns a presented API key into the principal of its request: the organization of
 * the key, acting as the member who created it (their memberships and ethical walls
 * still apply in the database), within the key's scopes. Read from the database on
 * every request, so a revocation holds from the next request on. Over the key's rate
 * → 429 RATE_LIMITED, over its daily quota → 429 API_QUOTA_EXCEEDED, both with
 * Retry-After. Refused calls are not logged, so they do not spend the quota.
 */
export function createApiKeyAuthenticator(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  limiter: KeyRateLimiter = createKeyRateLimiter(),
  quota: KeyQuota = createKeyQuota((id, since, cap) => unsafeCountCallsSince(ctx.db, id, since, cap)),
): ApiKeyAuthenticator {
  return async (key) => {
    if (!API_KEY_SHAPE.test(key)) return null;
    const hash = apiKeyHash(key);
    const now = ctx.clock.now();
    const row = await unsafeAuthenticateApiKey(ctx.db, hash, now);
    // The lookup is by hash; comparing again in constant time costs nothing and keeps the rule simple.
    if (!row || !crypto.timingSafeEqual(Buffer.from(row.key_hash), hash)) return null;
    const wait = await limiter.take(row.id, row.rate_per_second, row.burst, now.getTime());
    if (wait !== null)
      throw new AppError('RATE_LIMITED', 'this API key is over its request rate', {
        headers: { 'retry-after': String(wait) },
      });
    const resetIn = await quota.admit({ id: row.id, dailyQuota: row.daily_quota }, now);
    if (resetIn !== null)
      throw new AppError('API_QUOTA_EXCEEDED', `this API key has made its ${row.daily_quota} calls for today (UTC)`, {
        headers: { 'retry-after': String(resetIn) },
      });
    const principal: Principal = {
      userId: row.created_by,
      orgId: row.org_id,
      role: null,
      portal: row.org_kind === 'court' ? 'judge' : 'lawyer',
      isSuperAdmin: false,
      sessionId: `api-key:${row.id}`,
      aal: 1,
      amr: ['api_key'],
      mfaVerifiedAt: null,
      apiKeyId: row.id,
      apiKey: { id: row.id, mode: row.mode, scopes: row.scopes },
      identity: {
        email: row.email,
        name: row.user_name,
        orgName: row.org_name,
        orgKind: row.org_kind,
        mfa: { totp: false, webauthn: 0 },
      },
    };
    return principal;
  };
}
