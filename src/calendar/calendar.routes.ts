import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { actorOf, inRequestTenant, requestFacts } from '../access/index.ts';
import { startPeriodicJob } from '../platform/jobs/index.ts';
import * as service from './calendar.service.ts';
import {
  calendarRoute,
  createDeadlineRoute,
  createFeedRoute,
  feedRoute,
  feedStatusRoute,
  listDeadlinesRoute,
  revokeFeedRoute,
} from './calendar.schemas.ts';

/** How often due reminders are looked for. */
const REMINDER_EVERY_MS = 60_000;

/** Deadlines and hearings, the firm calendar, its reminder mails and each member's iCalendar feed. */
export async function calendarRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const job = startPeriodicJob({
    name: 'calendar-reminders',
    everyMs: REMINDER_EVERY_MS,
    logger: ctx.logger,
    run: async () => {
      const mailed = await service.sendDueReminders(ctx);
      if (mailed > 0) ctx.logger.info({ job: 'calendar-reminders', count: mailed }, 'reminders mailed');
    },
  });
  app.addHook('onClose', async () => job.stop());

  const r = app.withTypeProvider<ZodTypeProvider>();
  const by = (request: FastifyRequest) => {
    const actor = actorOf(request);
    return { outcome: 'success' as const, orgId: actor.orgId, actorId: actor.userId, ...requestFacts(request) };
  };

  r.post('/api/v1/matters/:id/deadlines', createDeadlineRoute, async (request, reply) => {
    const deadline = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.addDeadline(tx, actor, request.params.id, request.body),
    );
    await ctx.audit.record({
      action: 'matter.deadline_add',
      target: request.params.id,
      details: { kind: deadline.kind },
      ...by(request),
    });
    return reply.code(201).send(deadline);
  });

  r.get('/api/v1/matters/:id/deadlines', listDeadlinesRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.listMatterDeadlines(tx, request.params.id)),
  );

  r.get('/api/v1/calendar', calendarRoute, async (request) => ({
    events: await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.calendarEvents(tx, actor, new Date(request.query.from), new Date(request.query.to)),
    ),
  }));

  r.get('/api/v1/calendar/feed', feedStatusRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx, actor) => service.feedStatus(tx, actor)),
  );

  r.post('/api/v1/calendar/feed', createFeedRoute, async (request) => {
    const feed = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.createFeed(tx, actor, ctx.config.publicUrl),
    );
    await ctx.audit.record({ action: 'calendar.feed_create', target: actorOf(request).userId, ...by(request) });
    return feed;
  });

  r.delete('/api/v1/calendar/feed', revokeFeedRoute, async (request, reply) => {
    await inRequestTenant(ctx.db, request, (tx, actor) => service.revokeFeed(tx, actor));
    await ctx.audit.record({ action: 'calendar.feed_revoke', target: actorOf(request).userId, ...by(request) });
    return reply.code(204).send();
  });

  // Public: a calendar app has no session. The 256-bit token in the path is the credential.
  r.get('/api/v1/calendar/feed/:token', feedRoute, async (request, reply) => {
    const body = await service.renderFeed(ctx, request.params.token);
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', 'inline; filename="chambers.ics"')
      .header('cache-control', 'no-store')
      .send(body);
  });
}
