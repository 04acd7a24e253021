import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import type { Scanner } from '../platform/scanner/index.ts';
import { healthzRoute, readyzRoute } from './health.schemas.ts';

export type ReadinessCheck = { name: string; check: () => Promise<void> };

/**
 * Thrown by a readiness check that wants to report a degraded state without
 * taking the instance out of rotation (the audit alarm: the service keeps
 * serving, /readyz says "alarm" so monitoring sees it).
 */
export class ReadinessAlarm extends Error {}

/** Liveness says the process runs; readiness says it can serve (database, storage, keys). */
export async function healthRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  extraChecks: ReadinessCheck[] = [],
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const checks: ReadinessCheck[] = [
    { name: 'database', check: () => withTimeout(ctx.db.ping(), 2_000) },
    {
      name: 'storage',
      check: async () => {
        await fs.promises.access(ctx.config.dataDir, fs.constants.W_OK);
        await withTimeout(ctx.blobStore.ping(), 2_000);
      },
    },
    {
      name: 'keys',
      check: async () => {
        if (ctx.keys.masterKey.length !== 32 || ctx.keys.jwtKeys.length === 0) throw new Error('keys not loaded');
      },
    },
    {
      // A tampered audit log is an alarm, not an outage: the instance keeps serving (status stays 200).
      name: 'audit',
      check: async () => {
        if (ctx.auditSealer.status().state === 'alarm')
          throw new ReadinessAlarm('audit log inconsistent with its signed checkpoints');
      },
    },
    // Scanner down is a degraded state, not an outage: each organization's policy decides about uploads.
    ...(ctx.scanner ? [scannerCheck(ctx.scanner)] : []),
    ...extraChecks,
  ];

  r.get('/healthz', healthzRoute, async () => ({ status: 'ok' as const }));

  r.get('/readyz', readyzRoute, async (_request, reply) => {
    const results = await Promise.all(
      checks.map(async (c) => {
        try {
          await c.check();
          return [c.name, 'ok'] as const;
        } catch (err) {
          return [c.name, err instanceof ReadinessAlarm ? ('alarm' as const) : ('unavailable' as const)] as const;
        }
      }),
    );
    const ok = results.every(([, s]) => s !== 'unavailable');
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  });
}

function scannerCheck(scanner: Scanner): ReadinessCheck {
  return {
    name: 'scanner',
    check: async () => {
      try {
        await withTimeout(scanner.ping(), 2_000);
      } catch (err) {
        throw new ReadinessAlarm(`virus scanner unreachable: ${(err as Error).message}`);
      }
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}
