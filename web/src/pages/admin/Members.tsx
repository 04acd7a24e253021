import { useCallback, useEffect, useState } from 'react';
import { del, get, patch, post } from '../../api/client.ts';
import type { Invitation, MemberWithStatus } from '../../api/types.ts';
import { Alert, Button, Field, Section, SelectField, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { useMe } from '../../session/session.tsx';
import { ConfirmDialog, type Confirmation } from './ConfirmDialog.tsx';
import { signalOnboardingChanged } from './onboarding-signal.ts';
import { PendingInvitations } from './PendingInvitations.tsx';

/** The roles an organization of each kind offers: no judge in a firm, no lawyer in a court. */
const ROLES_BY_KIND: Record<'firm' | 'court', Array<{ value: string; label: string }>> = {
  firm: [
    { value: 'lawyer', label: 'Lawyer' },
    { value: 'reviewer', label: 'Reviewer (read-only)' },
    { value: 'api_admin', label: 'API administrator' },
    { value: 'org_admin', label: 'Administrator' },
  ],
  court: [
    { value: 'judge', label: 'Judge' },
    { value: 'clerk', label: 'Clerk' },
    { value: 'reviewer', label: 'Reviewer (read-only)' },
    { value: 'org_admin', label: 'Administrator' },
  ],
};
const ALL_ROLES = [...ROLES_BY_KIND.firm, ...ROLES_BY_KIND.court];
const roleLabel = (role: string) => ALL_ROLES.find((r) => r.value === role)?.label ?? role;

function useRoles() {
  const me = useMe();
  return ROLES_BY_KIND[me.org?.kind === 'court' ? 'court' : 'firm'];
}

export function Members({ orgId, selfId }: { orgId: string; selfId: string }) {
  const [members, setMembers] = useState<MemberWithStatus[] | null>(null);
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const [invitesSent, setInvitesSent] = useState(0);
  // A role chosen in a row's select, not yet saved: nothing changes until "Save".
  const [pending, setPending] = useState<Record<string, string>>({});
  const roles = useRoles();
  const action = useFormAction();
  const { fail } = action;
  const load = useCallback(
    async () => setMembers((await get<{ members: MemberWithStatus[] }>(`/api/v1/orgs/${orgId}/members`)).members),
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
  const base = `/api/v1/orgs/${orgId}/members`;
  const saveRole = (m: MemberWithStatus, role: string) => {
    const apply = run(
      async () => {
        await patch(`${base}/${m.userId}`, { role });
        setPending(({ [m.userId]: _, ...rest }) => rest);
      },
      `${m.name} is now ${roleLabel(role)}.`,
    );
    if (role !== 'org_admin') return void apply();
    // Promotion is privileged: it is asked first, naming what the new administrator can do.
    setConfirmation({
      title: `Make ${m.name} an Administrator?`,
      consequence: (
        <p>
          {m.name} ({m.email}) will manage members and roles, retention (which deletes documents), ethical walls and
          security settings, and read the whole audit trail. They must use a second factor to sign in.
        </p>
      ),
      confirmLabel: 'Make Administrator',
      onConfirm: () => void apply(),
    });
  };
  // Removal and suspension end someone's access at once: each asks first, naming what follows.
  const confirmRemove = (m: MemberWithStatus) =>
    setConfirmation({
      title: `Remove ${m.name}?`,
      consequence: (
        <p>
          {m.name} ({m.email}) stops being a member of this organization now: every session they have here ends at once,
          on every device. They can come back only through a new invitation. Their account and the work they did here
          stay.
        </p>
      ),
      confirmLabel: 'Remove member',
      onConfirm: run(() => del(`${base}/${m.userId}`), `${m.email} was removed from the organization.`),
    });
  const confirmSuspend = (m: MemberWithStatus) =>
    setConfirmation({
      title: `Suspend ${m.name}?`,
      consequence: (
        <p>
          Every session {m.name} has in this organization ends at once, and they cannot sign in to it until an
          administrator reactivates them. Their membership and role are kept.
        </p>
      ),
      confirmLabel: 'Suspend member',
      onConfirm: run(() => post(`${base}/${m.userId}/suspend`), `${m.email} is suspended.`),
    });

  return (
    <div className="stack">
      <Alert>{action.error}</Alert>
      <Alert kind="success">{action.success}</Alert>
      <Section
        title="Members"
        description="Change roles, lift a sign-in lock after too many failed attempts, end a member's sessions, suspend or remove a member."
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
                <td>
                  {m.name}
                  {m.suspendedAt && <span className="badge badge-warn">Suspended</span>}
                </td>
                <td>{m.email}</td>
                <td>
                  <label className="sr-only" htmlFor={`role-${m.userId}`}>
                    Role of {m.name}
                  </label>
                  <select
                    id={`role-${m.userId}`}
                    value={pending[m.userId] ?? m.role}
                    disabled={m.userId === selfId}
                    onChange={(e) => setPending({ ...pending, [m.userId]: e.target.value })}
                  >
                    {(roles.some((r) => r.value === m.role)
                      ? roles
                      : [...roles, { value: m.role, label: roleLabel(m.role) }]
                    ).map((r) => (
                      <option key={r.value} value={r.value}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                  {pending[m.userId] !== undefined && pending[m.userId] !== m.role && (
                    <>
                      {' '}
                      <Button
                        variant="primary"
                        onClick={() => saveRole(m, pending[m.userId]!)}
                        aria-label={`Save the role of ${m.name}`}
                      >
                        Save
                      </Button>
                      <Button
                        variant="link"
                        onClick={() => setPending(({ [m.userId]: _, ...rest }) => rest)}
                        aria-label={`Keep the role of ${m.name}`}
                      >
                        Cancel
                      </Button>
                    </>
                  )}
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
                  {m.userId !== selfId &&
                    (m.suspendedAt ? (
                      <Button
                        variant="link"
                        onClick={run(() => post(`${base}/${m.userId}/reactivate`), `${m.email} can sign in again.`)}
                        aria-label={`Reactivate ${m.email}`}
                      >
                        Reactivate
                      </Button>
                    ) : (
                      <Button variant="link" onClick={() => confirmSuspend(m)} aria-label={`Suspend ${m.email}`}>
                        Suspend
                      </Button>
                    ))}
                  {m.userId !== selfId && (
                    <Button variant="link" onClick={() => confirmRemove(m)} aria-label={`Remove ${m.email}`}>
                      Remove
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <ConfirmDialog confirmation={confirmation} onClose={() => setConfirmation(null)} />
      <InviteForm
        orgId={orgId}
        onSent={() => {
          setInvitesSent((n) => n + 1);
          signalOnboardingChanged();
        }}
      />
      <PendingInvitations orgId={orgId} version={invitesSent} />
    </div>
  );
}

function InviteForm({ orgId, onSent }: { orgId: string; onSent: () => void }) {
  const [email, setEmail] = useState('');
  const roles = useRoles();
  const [role, setRole] = useState(roles[0]!.value);
  const { busy, error, success, onSubmit } = useFormAction();
  const submit = onSubmit(async () => {
    const res = await post<Invitation>(`/api/v1/orgs/${orgId}/invitations`, { email, role });
    setEmail('');
    onSent();
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
        <SelectField label="Role" value={role} onChange={setRole} options={roles} />
        <Button type="submit" busy={busy}>
          Send invitation
        </Button>
      </form>
    </Section>
  );
}
