import { multipart, pdf } from '../helpers/documents.ts';
import { bearer, createMember, login, type TestApp } from '../helpers/test-app.ts';
import type { MemberRole } from '../../src/platform/db/schema.ts';

/**
 * One court with everyone judges' chambers has to keep apart: two judges side by side, a
 * clerk, a court administrator and a reviewer; a lawyer of a firm; a judge of another court.
 * Each is signed in over HTTP (with the second factor their role requires).
 */
export type CourtUser = { userId: string; orgId: string; email: string; headers: Record<string, string> };
export type Court = {
  orgId: string;
  judgeA: CourtUser;
  judgeB: CourtUser;
  clerk: CourtUser;
  admin: CourtUser;
  reviewer: CourtUser;
  lawyer: CourtUser;
  otherJudge: CourtUser;
};

const tag = () => Math.random().toString(36).slice(2, 8);

async function member(t: TestApp, role: MemberRole, opts: { orgId?: string; kind?: 'firm' | 'court' }) {
  const m = await createMember(t, { role, email: `${role}-${tag()}@example.com`, ...opts });
  const tokens = await login(t, m.email);
  return { userId: m.userId, orgId: m.orgId, email: m.email, headers: bearer(tokens.accessToken) };
}

export async function seedCourt(t: TestApp): Promise<Court> {
  const judgeA = await member(t, 'judge', { kind: 'court' });
  const orgId = judgeA.orgId;
  return {
    orgId,
    judgeA,
    judgeB: await member(t, 'judge', { orgId }),
    clerk: await member(t, 'clerk', { orgId }),
    admin: await member(t, 'org_admin', { orgId }),
    reviewer: await member(t, 'reviewer', { orgId }),
    lawyer: await member(t, 'lawyer', { kind: 'firm' }),
    otherJudge: await member(t, 'judge', { kind: 'court' }),
  };
}

/** A case of `judge` with a party, a hearing tomorrow, a deadline, a note, a draft, an issued order and a document. */
export async function seedCase(t: TestApp, judge: CourtUser, label: string) {
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
    const res = await t.inject({ method, url, headers: judge.headers, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as { id: string };
  };
  const { id } = await call('POST', '/api/v1/judicial/cases', {
    caseNumber: `CR-${label}-${tag()}`,
    title: `State v. ${label}`,
    caseType: 'criminal',
    parties: [{ name: `Accused ${label}`, role: 'accused' }],
  });
  const tomorrow = new Date(t.ctx.clock.now().getTime() + 24 * 60 * 60 * 1000).toISOString();
  const hearing = await call('POST', `/api/v1/judicial/cases/${id}/hearings`, { at: tomorrow, purpose: 'Arguments' });
  await call('POST', `/api/v1/judicial/cases/${id}/deadlines`, {
    dueOn: '2099-01-31',
    description: 'Written submissions',
  });
  const note = await call('POST', `/api/v1/judicial/cases/${id}/notes`, {
    body: `Private note of ${label}: lean acquit`,
  });
  const draft = await call('POST', `/api/v1/judicial/cases/${id}/orders`, {
    title: 'Draft judgment',
    body: `Draft of ${label}`,
  });
  const issued = await call('POST', `/api/v1/judicial/cases/${id}/orders`, {
    title: 'Bail order',
    body: `Bail granted (${label})`,
  });
  await call('POST', `/api/v1/judicial/cases/${id}/orders/${issued.id}/issue`);
  const file = multipart([{ filename: `exhibit-${label}.pdf`, content: pdf(`Exhibit of ${label}: sealed`) }]);
  const uploaded = await t.inject({
    method: 'POST',
    url: `/api/v1/judicial/cases/${id}/documents`,
    headers: { ...judge.headers, ...file.headers },
    payload: file.payload,
  });
  if (uploaded.statusCode !== 201) throw new Error(`document upload: ${uploaded.statusCode} ${uploaded.body}`);
  const documentId = (uploaded.json() as { id: string }).id;
  return { caseId: id, hearingId: hearing.id, noteId: note.id, draftId: draft.id, issuedId: issued.id, documentId };
}
