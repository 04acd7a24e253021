import type { FastifyRequest } from 'fastify';
import { withTenant, withTenantRead, type Database, type TenantContext, type Tx } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import { principalOf } from './route-access.ts';

/** The signed-in member a tenant transaction acts for: both ids are known. */
export type Actor = { orgId: string; userId: string };
/** A signed-in user on an account route, who may have no organization selected. */
export type AccountActor = { orgId: string | null; userId: string };

/**
 * The one place a request opens its tenant transaction: the caller's organization
 * and user become the RLS settings of one transaction as `chambers_app`, and the
 * handler gets the transaction and the actor it runs for. Routes never build a
 * tenant context by hand.
 *
 * @example
 *   r.get('/api/v1/matters', opts, (request) => inRequestTenant(ctx.db, request, (tx) => service.listMatters(tx, request.query)));
 */
export function inRequestTenant<T>(
  db: Database,
  request: FastifyRequest,
  fn: (tx: Tx, actor: Actor) => Promise<T>,
): Promise<T> {
  const actor = actorOf(request);
  return withTenant(db, tenantOf(request, actor), (tx) => fn(tx, actor));
}

/**
 * inRequestTenant for a read of exactly one statement (withTenantRead: READ ONLY, one
 * round trip). For list and lookup routes whose handler makes a single query.
 */
export function readInRequestTenant<T>(
  db: Database,
  request: FastifyRequest,
  fn: (tx: Tx, actor: Actor) => Promise<T>,
): Promise<T> {
  const actor = actorOf(request);
  return withTenantRead(db, tenantOf(request, actor), (tx) => fn(tx, actor));
}

/** The RLS settings of a member's request; a test API key sees test data only (both doors above). */
function tenantOf(request: FastifyRequest, actor: Actor): TenantContext {
  return { ...actor, testDataOnly: request.principal?.apiKey?.mode === 'test' };
}

/** inRequestTenant for account routes (`orgOptional`): the organization may be null. */
export function inAccountTenant<T>(
  db: Database,
  request: FastifyRequest,
  fn: (tx: Tx, who: AccountActor) => Promise<T>,
): Promise<T> {
  const p = principalOf(request);
  const who: AccountActor = { orgId: p.orgId, userId: p.userId };
  return withTenant(db, who, (tx) => fn(tx, who));
}

/** The member a route acts for; a route that declared an organization context always has one. */
export function actorOf(request: FastifyRequest): Actor {
  const p = principalOf(request);
  if (!p.orgId) throw new AppError('FORBIDDEN', 'this route needs an organization context');
  return { orgId: p.orgId, userId: p.userId };
}
