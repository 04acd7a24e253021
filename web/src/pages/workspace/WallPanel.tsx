import { useCallback, useEffect, useState } from 'react';
import { del, get, put } from '../../api/client.ts';
import type { EthicalWall, Member, MemberList } from '../../api/types.ts';
import { Alert, Button, Section } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { useMe } from '../../session/session.tsx';

/** Ethical wall (admins): restrict the matter and its documents to named members. */
export function WallPanel({ matterId, orgId }: { matterId: string; orgId: string }) {
  const [wall, setWall] = useState<EthicalWall | null>(null);
  const [members, setMembers] = useState<Member[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const { error, success, run, fail } = useFormAction();
  const selfId = useMe().user.id;
  // An admin who leaves herself out of the wall can no longer open the matter: say so before she saves.
  const wallsSelfOut = chosen.size > 0 && !chosen.has(selfId);
  const load = useCallback(async () => {
    const [w, m] = await Promise.all([
      get<EthicalWall>(`/api/v1/matters/${matterId}/wall`),
      get<MemberList>(`/api/v1/orgs/${orgId}/members`),
    ]);
    setWall(w);
    setMembers(m.members);
    setChosen(new Set(w.memberIds));
  }, [matterId, orgId]);
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);
  const save = () =>
    run(async () => {
      setWall(await put<EthicalWall>(`/api/v1/matters/${matterId}/wall`, { memberIds: [...chosen] }));
      return 'Ethical wall saved. Only the checked members can see this matter.';
    });
  const lift = () =>
    run(async () => {
      await del(`/api/v1/matters/${matterId}/wall`);
      await load();
      return 'Ethical wall lifted.';
    });
  if (!wall && !error && !success) return null;
  return (
    <Section
      title="Ethical wall"
      description={
        wall?.walled
          ? 'This matter is walled: only the members below can see it and its documents.'
          : 'Everyone in the organization can see this matter. Check members to restrict it to them.'
      }
    >
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      <fieldset>
        <legend className="sr-only">Members admitted by the wall</legend>
        <div className="check-grid">
          {members.map((m) => (
            <div className="checkbox" key={m.userId}>
              <input
                id={`wall-${m.userId}`}
                type="checkbox"
                checked={chosen.has(m.userId)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.target.checked) next.add(m.userId);
                  else next.delete(m.userId);
                  setChosen(next);
                }}
              />
              <label htmlFor={`wall-${m.userId}`}>
                {m.name} <span className="muted">({m.email})</span>
              </label>
            </div>
          ))}
        </div>
      </fieldset>
      {wallsSelfOut && (
        <Alert kind="warning">
          You are not checked: once saved, you will no longer see this matter or its documents, and this page will be
          closed to you. Check your own name to keep access.
        </Alert>
      )}
      <div className="form-actions">
        <Button onClick={() => void save()} disabled={chosen.size === 0}>
          Save wall
        </Button>
        {wall?.walled && (
          <Button variant="secondary" onClick={() => void lift()}>
            Lift wall
          </Button>
        )}
      </div>
    </Section>
  );
}
