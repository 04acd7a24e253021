/**
 * An organization's own model provider (AI_PROVIDER / base URL / model / API key, set by its
 * org_admin), in place of the server's. The API key is sealed under the master key, bound to the
 * organization, and never returned: the API answers only whether one is set.
 *
 * The base URL is where the organization's documents will be sent, so it passes the SSRF policy
 * when it is saved and again when an engine is built from it: https only, no credentials in it,
 * and a host that resolves only to public addresses (SSRF_ALLOW_HOSTS exempts named hosts, for
 * tests and an on-premises model server the operator vouches for).
 */
import crypto from 'node:crypto';
import dns from 'node:dns/promises';
import type { AppContext } from '../context/index.ts';
import type { Actor } from '../access/index.ts';
import { SECRET_PURPOSE, openSecret, sealSecret } from '../crypto/index.ts';
import { checkAddress, parseTargetUrl, SsrfError } from '../platform/outbound/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import { createEngine, type Engine } from './ai.engine.ts';
import * as repo from './ai.repository.ts';
import type { ProviderInput, ProviderView } from './ai.schemas.ts';

/** Checks a provider base URL against the SSRF policy; throws a 4xx SSRF_* error. */
export async function vetBaseUrl(raw: string, allowHosts: readonly string[]): Promise<void> {
  const target = parseTargetUrl(raw);
  if (allowHosts.some((h) => h.toLowerCase() === target.hostname)) return;
  if (target.url.protocol !== 'https:') throw new SsrfError('SSRF_SCHEME_FORBIDDEN', 'scheme-http');
  const addresses = target.isIpLiteral
    ? [target.hostname]
    : await dns.lookup(target.hostname, { all: true }).then(
        (list) => list.map((a) => a.address),
        () => {
          throw new SsrfError('SSRF_HOST_FORBIDDEN', 'unresolvable');
        },
      );
  for (const address of addresses) {
    const verdict = checkAddress(address);
    if (!verdict.allowed) throw new SsrfError('SSRF_ADDRESS_FORBIDDEN', verdict.reason);
  }
}

export async function getProvider(tx: Tx): Promise<ProviderView> {
  const row = await repo.readProvider(tx);
  return {
    provider: row?.provider ?? null,
    baseUrl: row?.base_url ?? null,
    model: row?.model ?? null,
    apiKeySet: Boolean(row?.api_key_ciphertext),
  };
}

/** Sets (or, with provider null, clears) the organization's provider. An omitted apiKey keeps the one stored. */
export async function putProvider(tx: Tx, ctx: AppContext, actor: Actor, input: ProviderInput): Promise<ProviderView> {
  if (input.provider === null) {
    await repo.writeProvider(tx, actor.orgId, {
      provider: null,
      base_url: null,
      model: null,
      api_key_ciphertext: null,
    });
    return getProvider(tx);
  }
  if (input.provider === 'openai-compatible' && (!input.baseUrl || !input.model))
    throw new AppError('VALIDATION_FAILED', 'An OpenAI-compatible provider needs baseUrl and model');
  if (input.baseUrl) await vetBaseUrl(input.baseUrl, ctx.config.ssrfAllowHosts);
  const current = await repo.readProvider(tx);
  const sealed =
    input.apiKey === undefined
      ? (current?.api_key_ciphertext ?? null)
      : input.apiKey === null
        ? null
        : sealSecret(ctx.keys.masterKey, SECRET_PURPOSE.aiProviderKey, input.apiKey, actor.orgId);
  if (input.provider === 'anthropic' && !sealed)
    throw new AppError('VALIDATION_FAILED', 'An Anthropic provider needs an apiKey');
  await repo.writeProvider(tx, actor.orgId, {
    provider: input.provider,
    base_url: input.baseUrl ?? null,
    model: input.model ?? null,
    api_key_ciphertext: sealed,
  });
  return getProvider(tx);
}

type Cached = { engine: Engine; fingerprint: string; builtAt: number };
/** Engines by organization, so each keeps its circuit breaker; rebuilt when the settings change or after the TTL (DNS re-vetted). */
const engines = new Map<string, Cached>();
const ENGINE_TTL_MS = 5 * 60 * 1000;
const MAX_CACHED = 1000;

/**
 * The engine that answers for this organization: its own provider when it set one, else the
 * server's. A provider whose base URL no longer passes the SSRF policy is not used: the server's
 * engine answers instead.
 */
export async function engineFor(tx: Tx, ctx: AppContext, orgId: string, serverEngine: Engine): Promise<Engine> {
  const row = await repo.readProvider(tx);
  if (!row?.provider) return serverEngine;
  const fingerprint = crypto
    .createHash('sha256')
    .update(JSON.stringify([row.provider, row.base_url, row.model, row.api_key_ciphertext]))
    .digest('hex');
  const hit = engines.get(orgId);
  const now = ctx.clock.now().getTime();
  if (hit && hit.fingerprint === fingerprint && now - hit.builtAt < ENGINE_TTL_MS) return hit.engine;
  if (row.base_url) {
    try {
      await vetBaseUrl(row.base_url, ctx.config.ssrfAllowHosts);
    } catch {
      return serverEngine;
    }
  }
  const apiKey = row.api_key_ciphertext
    ? openSecret(ctx.keys.masterKey, SECRET_PURPOSE.aiProviderKey, row.api_key_ciphertext, orgId)
    : undefined;
  const engine = createEngine({
    ...ctx.config.ai,
    provider: row.provider,
    baseUrl: row.base_url ?? undefined,
    model: row.model ?? undefined,
    apiKey,
  });
  if (engines.size >= MAX_CACHED) engines.clear();
  engines.set(orgId, { engine, fingerprint, builtAt: now });
  return engine;
}
