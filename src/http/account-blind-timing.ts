import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';

/**
 * Routes declared `accountBlind` (register, verify-email, sign-in, forgot and reset
 * password) must not reveal whether an address has an account, by their body or by
 * their time. The bodies are made equal where the answer is built; here, every
 * answer that proves nothing about the address (202 Accepted and every error)
 * leaves on a time grid: at `gridMs` after the request arrived, or the next multiple
 * when the work took longer. A 200/204 only follows a correct password or code,
 * which already proves the account, and is not held back.
 */
export function registerAccountBlindTiming(app: FastifyInstance, gridMs: number): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const access = request.routeOptions.config.access;
    if (!access || access.public !== true || !access.accountBlind) return payload;
    const status = reply.statusCode;
    if (status !== 202 && status < 400) return payload;
    const elapsed = reply.elapsedTime;
    const due = Math.max(1, Math.ceil(elapsed / gridMs)) * gridMs;
    if (due > elapsed) await sleep(due - elapsed);
    return payload;
  });
}
