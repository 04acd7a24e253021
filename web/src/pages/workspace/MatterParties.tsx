import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { get, post } from '../../api/client.ts';
import { Alert, Button, Empty, Field, Section, SelectField } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { PARTY_ROLES, type ConflictHit, type Party } from './workspace-types.ts';

/** A matter's parties; a new party is checked for conflicts against the whole firm as it is added. */
export function MatterParties({ matterId, canWrite }: { matterId: string; canWrite: boolean }) {
  const [parties, setParties] = useState<Party[] | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState('opposing party');
  const [hits, setHits] = useState<ConflictHit[] | null>(null);
  const { busy, error, success, onSubmit, fail } = useFormAction();
  const load = useCallback(
    async () => setParties((await get<{ parties: Party[] }>(`/api/v1/matters/${matterId}/parties`)).parties),
    [matterId],
  );
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);
  const submit = onSubmit(async () => {
    await post(`/api/v1/matters/${matterId}/parties`, { name, role });
    // Checked only once the party is added; the check and the refreshed list then go together.
    const [check] = await Promise.all([
      post<{ hits: ConflictHit[] }>('/api/v1/conflict-check', { names: [name], matterId }),
      load(),
    ]);
    setHits(check.hits);
    setName('');
    return check.hits.length === 0
      ? `${name} added. No conflict found.`
      : `${name} added. ${check.hits.length} possible conflict(s): see below.`;
  });
  return (
    <Section title="Parties">
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      {canWrite && (
        <form onSubmit={submit} className="form-inline">
          <Field
            label="Party name"
            name="partyName"
            required
            maxLength={300}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <SelectField label="Role" name="partyRole" value={role} onChange={setRole} options={PARTY_ROLES} />
          <Button type="submit" busy={busy}>
            Add party
          </Button>
        </form>
      )}
      {hits && hits.length > 0 && (
        <ul className="alert alert-warning" aria-label="Possible conflicts">
          {hits.map((h, i) => (
            <li key={i}>
              {h.matchedName} ({h.kind === 'client' ? (h.former ? 'former client' : 'client') : 'party'}
              {h.matterId ? (
                <>
                  , <Link to={`/matters/${h.matterId}`}>matter</Link>
                </>
              ) : null}
              ) — {h.score === 1 ? 'same name' : `near match ${Math.round(h.score * 100)}%`}
            </li>
          ))}
        </ul>
      )}
      {parties && parties.length === 0 && <Empty>No parties recorded.</Empty>}
      {parties && parties.length > 0 && (
        <ul aria-label="Parties">
          {parties.map((p) => (
            <li key={p.id}>
              {p.clientId ? <Link to={`/clients/${p.clientId}`}>{p.name}</Link> : p.name}{' '}
              <span className="muted">· {p.role}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
