import { useCallback, useId, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { post } from '../../api/client.ts';
import { Alert, Button } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import type { ConflictHit } from './workspace-types.ts';

export type ConflictCheck = ReturnType<typeof useConflictCheck>;

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * The conflict check of the new-matter form: the other parties typed beside the client, the
 * last result, and what opening the matter does with them (record them as parties, then check
 * again for the record, naming the new matter).
 */
export function useConflictCheck() {
  const [partiesText, setPartiesText] = useState('');
  const [hits, setHits] = useState<ConflictHit[] | null>(null);
  const [checkedFor, setCheckedFor] = useState<string | null>(null);
  const action = useFormAction();
  const { run } = action;

  const check = useCallback(
    async (clientName: string, matterId?: string) => {
      const names = [clientName.trim(), ...lines(partiesText)].filter(Boolean);
      if (names.length === 0) {
        setHits(null);
        return;
      }
      const res = await post<{ hits: ConflictHit[] }>('/api/v1/conflict-check', {
        names,
        ...(matterId ? { matterId } : {}),
      });
      setHits(res.hits);
      setCheckedFor(names.join(', '));
    },
    [partiesText],
  );

  /** After the matter is created: its client and parties become its parties, then the check is run for it. */
  const afterOpen = useCallback(
    async (matterId: string, clientName: string) => {
      const parties = [
        ...(clientName.trim() ? [{ name: clientName.trim(), role: 'client' }] : []),
        ...lines(partiesText).map((name) => ({ name, role: 'opposing party' })),
      ];
      // One after another: the matter lists its parties in the order they were added (client first).
      for (const p of parties) await post(`/api/v1/matters/${matterId}/parties`, p);
      await check(clientName, matterId);
      setPartiesText('');
    },
    [check, partiesText],
  );

  return useMemo(
    () => ({ partiesText, setPartiesText, hits, checkedFor, check, afterOpen, action, run }),
    [partiesText, hits, checkedFor, check, afterOpen, action, run],
  );
}

/** The parties field, the "Check for conflicts" button and the result, shown under the new-matter form. */
export function ConflictCheckPanel({ state, clientName }: { state: ConflictCheck; clientName: string }) {
  const id = useId();
  const { hits, action } = state;
  return (
    <div className="conflict-check">
      <div className="field">
        <label htmlFor={id}>Other parties (one per line)</label>
        <textarea
          id={id}
          rows={2}
          maxLength={5000}
          value={state.partiesText}
          onChange={(e) => state.setPartiesText(e.target.value)}
        />
      </div>
      <Button
        type="button"
        variant="secondary"
        busy={action.busy}
        onClick={() => void state.run(() => state.check(clientName))}
      >
        Check for conflicts
      </Button>
      <Alert>{action.error}</Alert>
      {hits && <ConflictResult hits={hits} checkedFor={state.checkedFor} />}
    </div>
  );
}

function ConflictResult({ hits, checkedFor }: { hits: ConflictHit[]; checkedFor: string | null }) {
  if (hits.length === 0)
    return <Alert kind="success">No conflict found for {checkedFor}. The check is recorded in the audit trail.</Alert>;
  return (
    <div className="alert alert-warning" role="status">
      <p>
        <strong>
          {hits.length === 1 ? '1 possible conflict' : `${hits.length} possible conflicts`} for {checkedFor}
        </strong>{' '}
        (recorded in the audit trail):
      </p>
      <ul aria-label="Possible conflicts">
        {hits.map((h, i) => (
          <li key={`${h.kind}-${h.clientId ?? ''}-${h.matterId ?? ''}-${i}`}>
            “{h.name}” matches {h.kind === 'client' ? (h.former ? 'former client' : 'client') : 'a party'}{' '}
            {h.clientId && h.kind === 'client' ? (
              <Link to={`/clients/${h.clientId}`}>{h.matchedName}</Link>
            ) : (
              <strong>{h.matchedName}</strong>
            )}
            {h.kind === 'party' &&
              (h.matterId ? (
                <>
                  {' '}
                  in <Link to={`/matters/${h.matterId}`}>this matter</Link>
                </>
              ) : (
                ' in a matter you cannot see (ask an administrator)'
              ))}{' '}
            — {h.score === 1 ? 'same name' : `near match (${Math.round(h.score * 100)}%)`}
          </li>
        ))}
      </ul>
    </div>
  );
}
