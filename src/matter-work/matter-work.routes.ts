import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context/index.ts';
import { actorOf, inRequestTenant, requestFacts } from '../access/index.ts';
import * as service from './matter-work.service.ts';
import {
  createNoteRoute,
  createTaskRoute,
  listAssigneesRoute,
  listMatterTasksRoute,
  listNotesRoute,
  listTasksRoute,
  updateTaskRoute,
} from './matter-work.schemas.ts';

/** Notes and tasks of a matter. The audit log records that a note or task was added, never its words. */
export async function matterWorkRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const by = (request: FastifyRequest) => {
    const actor = actorOf(request);
    return { outcome: 'success' as const, orgId: actor.orgId, actorId: actor.userId, ...requestFacts(request) };
  };

  r.post('/api/v1/matters/:id/notes', createNoteRoute, async (request, reply) => {
    const note = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.addNote(tx, actor, request.params.id, request.body.body),
    );
    await ctx.audit.record({ action: 'matter.note_add', target: request.params.id, ...by(request) });
    return reply.code(201).send(note);
  });

  r.get('/api/v1/matters/:id/notes', listNotesRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.listNotes(tx, request.params.id)),
  );

  r.post('/api/v1/matters/:id/tasks', createTaskRoute, async (request, reply) => {
    const task = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.addTask(tx, actor, request.params.id, request.body),
    );
    await ctx.audit.record({
      action: 'matter.task_add',
      target: request.params.id,
      details: { assigned: task.assigneeId !== null },
      ...by(request),
    });
    return reply.code(201).send(task);
  });

  r.get('/api/v1/matters/:id/tasks', listMatterTasksRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx) => service.listMatterTasks(tx, request.params.id)),
  );

  r.get('/api/v1/tasks', listTasksRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx, actor) => service.listTasks(tx, actor, request.query)),
  );

  r.get('/api/v1/tasks/assignees', listAssigneesRoute, async (request) =>
    inRequestTenant(ctx.db, request, (tx, actor) => service.listAssignees(tx, actor)),
  );

  r.patch('/api/v1/tasks/:id', updateTaskRoute, async (request) => {
    const task = await inRequestTenant(ctx.db, request, (tx, actor) =>
      service.updateTask(tx, actor, request.params.id, request.body, ctx.clock.now()),
    );
    const fields = Object.keys(request.body).sort().join(',');
    await ctx.audit.record({
      action: 'matter.task_update',
      target: task.matterId,
      details: { fields },
      ...by(request),
    });
    return task;
  });
}
