import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMember,
  signedInMember,
  login,
  bearer,
  startTestApp,
  type TestApp,
} from '../../test/helpers/test-app.ts';

type Member = Awaited<ReturnType<typeof signedInMember>>;

describe('matter notes and tasks over HTTP', () => {
  let t: TestApp;
  let lawyer: Member;
  let colleague: { userId: string; headers: Record<string, string> };
  let matterId: string;
  beforeAll(async () => {
    t = await startTestApp();
    lawyer = await signedInMember(t, { role: 'lawyer' });
    const c = await createMember(t, { role: 'lawyer', orgId: lawyer.orgId });
    colleague = { userId: c.userId, headers: bearer((await login(t, c.email)).accessToken) };
    matterId = (
      await t.inject({ method: 'POST', url: '/api/v1/matters', headers: lawyer.headers, payload: { title: 'Estate' } })
    ).json().id;
  });
  afterAll(async () => t?.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: object,
    headers: Record<string, string> = lawyer.headers,
  ) => t.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  it('should add and list notes, newest first, keeping the markdown as written', async () => {
    const first = await call('POST', `/api/v1/matters/${matterId}/notes`, { body: '# Call with client\n- **urgent**' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      matterId,
      body: '# Call with client\n- **urgent**',
      createdBy: lawyer.userId,
    });
    await call('POST', `/api/v1/matters/${matterId}/notes`, { body: 'Second <script>alert(1)</script>' });
    const list = (await call('GET', `/api/v1/matters/${matterId}/notes`)).json().notes;
    expect(list.map((n: { body: string }) => n.body)).toEqual([
      'Second <script>alert(1)</script>',
      '# Call with client\n- **urgent**',
    ]);
  });

  it('should add, assign, complete and list tasks', async () => {
    const due = '2031-03-01T09:00:00.000Z';
    const created = await call('POST', `/api/v1/matters/${matterId}/tasks`, {
      title: 'Draft the reply',
      assigneeId: colleague.userId,
      dueAt: due,
    });
    expect(created.statusCode, created.body).toBe(201);
    const task = created.json();
    expect(task).toMatchObject({ title: 'Draft the reply', assigneeId: colleague.userId, dueAt: due, done: false });

    const mine = (await call('GET', '/api/v1/tasks?assignee=me&open=true', undefined, colleague.headers)).json().tasks;
    expect(mine.map((x: { id: string }) => x.id)).toEqual([task.id]);
    expect((await call('GET', '/api/v1/tasks?assignee=me&open=true')).json().tasks).toEqual([]);

    const done = await call('PATCH', `/api/v1/tasks/${task.id}`, { done: true }, colleague.headers);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ done: true, doneAt: expect.any(String) });
    expect(
      (await call('GET', '/api/v1/tasks?assignee=me&open=true', undefined, colleague.headers)).json().tasks,
    ).toEqual([]);
    const all = (await call('GET', `/api/v1/matters/${matterId}/tasks`)).json().tasks;
    expect(all).toHaveLength(1);

    const assignees = (await call('GET', '/api/v1/tasks/assignees')).json().members;
    expect(assignees.map((m: { id: string }) => m.id).sort()).toEqual([lawyer.userId, colleague.userId].sort());
  });

  it('should refuse an assignee from outside the organization with 422 ASSIGNEE_NOT_MEMBER', async () => {
    const stranger = await createMember(t, { role: 'lawyer' });
    const res = await call('POST', `/api/v1/matters/${matterId}/tasks`, { title: 'X', assigneeId: stranger.userId });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('ASSIGNEE_NOT_MEMBER');
  });

  it('should reject bad input with 400, never 500', async () => {
    for (const [url, payload] of [
      [`/api/v1/matters/${matterId}/notes`, { body: '' }],
      [`/api/v1/matters/${matterId}/notes`, { body: 'x'.repeat(20001) }],
      [`/api/v1/matters/${matterId}/tasks`, { title: 'X', dueAt: 'tomorrow' }],
      [`/api/v1/matters/${matterId}/tasks`, { title: 'X', assigneeId: 'me' }],
    ] as const) {
      const res = await call('POST', url, payload);
      expect(res.statusCode, `${url} ${JSON.stringify(payload).slice(0, 80)}`).toBe(400);
    }
    expect((await call('GET', '/api/v1/tasks?assignee=you')).statusCode).toBe(400);
  });
});
