import { useCallback, useEffect, useState } from 'react';
import { get, patch, post } from '../../api/client.ts';
import type { Invitation, Member, MemberList } from '../../api/types.ts';
import { Alert, Button, Field, Section, SelectField, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';

const ROLES = [
  { value: 'lawyer', label: 'Lawyer' },
  { value: 'reviewer', label: 'Reviewer (read-only)' },
  { value: 'judge', label: 'Judge' },
  { value: 'org_admin', label: 'Administrator' },
];

export function Members({ orgId, selfId }: { orgId: string; selfId: string }) {
  const [members, setMembers] = useState<Member[] | null>(null);
  const action = useFormAction();
  const { fail } = action;
  const load = useCallback(
    async () => setMembers((await get<MemberList>(`/api/v1/orgs/${orgId}/members`)).members),
    [orgId],
  );
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);

  // The list is read again after each change, so the table shows what the server now holds.
  const run = (fn: () => Promise<unknown>, success: string) => () =>
    action.run(async () => {
      await fn();
      await load();
      return success;
    });

  return (
    <div className="stack">
      <Alert>{action.error}</Alert>
      <Alert kind="success">{action.success}</Alert>
      <Section
        title="Members"
        description="Change roles, lift a sign-in lock after too many failed attempts, or end a member's sessions."
      >
        <table className="table">
          <caption className="sr-only">Members of the organization</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Member since</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members?.map((m) => (
              <tr key={m.userId} data-member={m.email}>
                <td>{m.name}</td>
                <td>{m.email}</td>
                <td>
                  <label className="sr-only" htmlFor={`role-${m.userId}`}>
                    Role of {m.name}
                  </label>
                  <select
                    id={`role-${m.userId}`}
                    value={m.role}
                    disabled={m.userId === selfId}
                    onChange={(e) =>
                      void run(
                        () => patch(`/api/v1/orgs/${orgId}/members/${m.userId}`, { role: e.target.value }),
                        `${m.name} is now ${e.target.value}.`,
                      )()
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r.value} value={r.value}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{formatDate(m.createdAt)}</td>
                <td className="actions">
                  <Button
                    variant="link"
                    onClick={run(() => post(`/api/v1/admin/users/${m.userId}/unlock`), `${m.email} can sign in again.`)}
                    aria-label={`Unlock ${m.email}`}
                  >
                    Unlock
                  </Button>
                  {m.userId !== selfId && (
                    <Button
                      variant="link"
                      onClick={run(
                        () => post(`/api/v1/admin/users/${m.userId}/logout`),
                        `${m.email} was signed out everywhere.`,
                      )}
                      aria-label={`Force sign-out ${m.email}`}
                    >
                      Force sign-out
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <InviteForm orgId={orgId} />
    </div>
  );
}

function InviteForm({ orgId }: { orgId: string }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('lawyer');
  const { busy, error, success, onSubmit } = useFormAction();
  const submit = onSubmit(async () => {
    const res = await post<Invitation>(`/api/v1/orgs/${orgId}/invitations`, { email, role });
    setEmail('');
    return `Invitation sent to ${email}. It expires ${formatDate(res.expiresAt)}.`;
  });
  return (
    <Section title="Invite a member" description="The invitee receives a link valid for 7 days.">
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      <form onSubmit={submit} className="form-inline">
        <Field
          label="Email address"
          name="inviteEmail"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <SelectField label="Role" value={role} onChange={setRole} options={ROLES} />
        <Button type="submit" busy={busy}>
          Send invitation
        </Button>
      </form>
    </Section>
  );
}
