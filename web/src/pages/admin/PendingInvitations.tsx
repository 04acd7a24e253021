import { useCallback, useEffect, useState } from 'react';
import { del, get } from '../../api/client.ts';
import type { PendingInvitation, PendingInvitationList } from '../../api/types.ts';
import { Alert, Button, Empty, Section, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';

/**
 * Invitations not yet accepted. Revoking one makes its mailed link useless at once: the
 * way to take back an invitation sent to the wrong address or to someone who left.
 * `version` changes when a new invitation was sent, so the list reads again.
 */
export function PendingInvitations({ orgId, version }: { orgId: string; version: number }) {
  const [invitations, setInvitations] = useState<PendingInvitation[] | null>(null);
  const action = useFormAction();
  const { fail } = action;
  const load = useCallback(
    async () => setInvitations((await get<PendingInvitationList>(`/api/v1/orgs/${orgId}/invitations`)).invitations),
    [orgId],
  );
  useEffect(() => {
    load().catch(fail);
  }, [load, fail, version]);

  const revoke = (inv: PendingInvitation) => () =>
    action.run(async () => {
      await del(`/api/v1/orgs/${orgId}/invitations/${inv.id}`);
      await load();
      return `The invitation to ${inv.email} was revoked; its link no longer works.`;
    });

  return (
    <Section title="Pending invitations" description="Invitations not yet accepted. Revoking one disables its link.">
      <Alert>{action.error}</Alert>
      <Alert kind="success">{action.success}</Alert>
      {invitations && invitations.length === 0 ? (
        <Empty>No pending invitations.</Empty>
      ) : (
        <table className="table">
          <caption className="sr-only">Pending invitations</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Sent</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invitations?.map((inv) => (
              <tr key={inv.id} data-invitation={inv.email}>
                <td>{inv.email}</td>
                <td>{inv.role}</td>
                <td>{formatDate(inv.createdAt)}</td>
                <td>{formatDate(inv.expiresAt)}</td>
                <td className="actions">
                  <Button
                    variant="link"
                    busy={action.busy}
                    onClick={revoke(inv)}
                    aria-label={`Revoke invitation to ${inv.email}`}
                  >
                    Revoke
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
