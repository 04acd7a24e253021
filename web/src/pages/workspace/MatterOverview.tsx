import { useEffect, useState, type FormEvent } from 'react';
import { get, patch, post } from '../../api/client.ts';
import type { Matter } from '../../api/types.ts';
import { Alert, Button, Field, Section, SelectField, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import type { Assignee, Client } from './workspace-types.ts';

const STATUS: Record<Matter['status'], string> = { open: 'Open', closed: 'Closed', archived: 'Archived' };

/** Suggestions only: the firm may type its own. */
const PRACTICE_AREAS = [
  'Corporate',
  'Employment',
  'Family',
  'Intellectual property',
  'Litigation',
  'Real estate',
  'Tax',
];
const MATTER_TYPES = ['Advice', 'Litigation', 'Transaction', 'Arbitration', 'Compliance'];

/**
 * The members a matter may name (responsible lawyer, team). Called by the matter page itself, so the
 * request starts with the page's own, not after the matter arrived (the overview waits for it).
 */
export function useAssignees(): Assignee[] {
  const [members, setMembers] = useState<Assignee[]>([]);
  useEffect(() => {
    get<{ members: Assignee[] }>('/api/v1/tasks/assignees').then(
      (r) => setMembers(r.members),
      () => setMembers([]),
    );
  }, []);
  return members;
}

/**
 * The head of a matter's page: what it is (status, type, practice area, client, responsible lawyer,
 * team), the edit form, and close / reopen / archive, each with its outcome said.
 */
export function MatterOverview({
  matter,
  members,
  canWrite,
  onChange,
}: {
  matter: Matter;
  /** From useAssignees(). */
  members: Assignee[];
  canWrite: boolean;
  onChange: (m: Matter) => void;
}) {
  const [editing, setEditing] = useState(false);
  const { busy, error, success, run, reset } = useFormAction();
  const nameOf = (id: string | null) => (id ? (members.find((m) => m.id === id)?.name ?? 'A member') : '—');

  const act = (action: 'close' | 'reopen' | 'archive', done: string) =>
    void run(async () => {
      onChange(await post<Matter>(`/api/v1/matters/${matter.id}/${action}`, {}));
      return done;
    });

  return (
    <Section title="Overview" description={`Status: ${STATUS[matter.status]}`}>
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      <dl className="matter-facts" data-testid="matter-facts">
        <dt>Status</dt>
        <dd data-testid="matter-status">
          {STATUS[matter.status]}
          {matter.closedAt ? ` since ${formatDate(matter.closedAt)}` : ''}
        </dd>
        <dt>Reference</dt>
        <dd>{matter.reference ?? '—'}</dd>
        <dt>Client</dt>
        <dd>{matter.clientName ?? '—'}</dd>
        <dt>Matter type</dt>
        <dd>{matter.matterType ?? '—'}</dd>
        <dt>Practice area</dt>
        <dd>{matter.practiceArea ?? '—'}</dd>
        <dt>Responsible lawyer</dt>
        <dd>{nameOf(matter.responsibleUserId)}</dd>
        <dt>Team</dt>
        <dd>{matter.teamIds.length ? matter.teamIds.map(nameOf).join(', ') : '—'}</dd>
      </dl>
      {canWrite && !editing && (
        <div className="button-row">
          <Button variant="secondary" onClick={() => (reset(), setEditing(true))}>
            Edit matter
          </Button>
          {matter.status === 'open' && (
            <Button
              variant="secondary"
              busy={busy}
              onClick={() => act('close', 'Matter closed. Reopen it at any time.')}
            >
              Close matter
            </Button>
          )}
          {matter.status !== 'open' && (
            <Button variant="secondary" busy={busy} onClick={() => act('reopen', 'Matter reopened.')}>
              Reopen matter
            </Button>
          )}
          {matter.status !== 'archived' && (
            <Button
              variant="secondary"
              busy={busy}
              onClick={() => act('archive', 'Matter archived: it no longer shows among open matters.')}
            >
              Archive
            </Button>
          )}
        </div>
      )}
      {canWrite && editing && (
        <MatterEditForm
          matter={matter}
          members={members}
          onCancel={() => setEditing(false)}
          onSaved={(m) => {
            onChange(m);
            setEditing(false);
          }}
          run={run}
          busy={busy}
        />
      )}
    </Section>
  );
}

function MatterEditForm(props: {
  matter: Matter;
  members: Assignee[];
  busy: boolean;
  run: ReturnType<typeof useFormAction>['run'];
  onCancel: () => void;
  onSaved: (m: Matter) => void;
}) {
  const { matter, members } = props;
  const [title, setTitle] = useState(matter.title);
  const [reference, setReference] = useState(matter.reference ?? '');
  const [matterType, setMatterType] = useState(matter.matterType ?? '');
  const [practiceArea, setPracticeArea] = useState(matter.practiceArea ?? '');
  const [clientId, setClientId] = useState(matter.clientId ?? '');
  const [responsible, setResponsible] = useState(matter.responsibleUserId ?? '');
  const [team, setTeam] = useState<string[]>(matter.teamIds);
  const [clients, setClients] = useState<Client[]>([]);
  useEffect(() => {
    get<{ clients: Client[] }>('/api/v1/clients').then(
      (r) => setClients(r.clients),
      () => setClients([]),
    );
  }, []);
  const text = (v: string) => (v.trim() === '' ? null : v.trim());
  const save = (e: FormEvent) => {
    e.preventDefault();
    void props.run(async () => {
      props.onSaved(
        await patch<Matter>(`/api/v1/matters/${matter.id}`, {
          title: title.trim(),
          reference: text(reference),
          matterType: text(matterType),
          practiceArea: text(practiceArea),
          ...(clientId !== (matter.clientId ?? '') ? { clientId: clientId || null } : {}),
          responsibleUserId: responsible || null,
          teamIds: team,
        }),
      );
      return 'Matter saved.';
    });
  };
  return (
    <form onSubmit={save} className="form-narrow" aria-label="Edit matter">
      <Field
        label="Title"
        name="title"
        required
        maxLength={300}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
      />
      <Field
        label="Reference"
        name="reference"
        maxLength={100}
        hint="Unique in the firm."
        value={reference}
        onChange={(e) => setReference(e.target.value)}
      />
      <Field
        label="Matter type"
        name="matterType"
        list="matter-types"
        maxLength={100}
        value={matterType}
        onChange={(e) => setMatterType(e.target.value)}
      />
      <datalist id="matter-types">
        {MATTER_TYPES.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <Field
        label="Practice area"
        name="practiceArea"
        list="practice-areas"
        maxLength={100}
        value={practiceArea}
        onChange={(e) => setPracticeArea(e.target.value)}
      />
      <datalist id="practice-areas">
        {PRACTICE_AREAS.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <SelectField
        label="Client"
        value={clientId}
        onChange={setClientId}
        options={[{ value: '', label: matter.clientName && !matter.clientId ? matter.clientName : 'None' }].concat(
          clients.map((c) => ({ value: c.id, label: c.name })),
        )}
      />
      <SelectField
        label="Responsible lawyer"
        value={responsible}
        onChange={setResponsible}
        options={[{ value: '', label: 'None' }].concat(members.map((m) => ({ value: m.id, label: m.name })))}
      />
      <fieldset className="field">
        <legend>Team</legend>
        {members.map((m) => (
          <label key={m.id} className="checkbox">
            <input
              type="checkbox"
              checked={team.includes(m.id)}
              onChange={(e) => setTeam(e.target.checked ? [...team, m.id] : team.filter((id) => id !== m.id))}
            />{' '}
            {m.name}
          </label>
        ))}
      </fieldset>
      <div className="button-row">
        <Button type="submit" busy={props.busy}>
          Save matter
        </Button>
        <Button type="button" variant="secondary" onClick={props.onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
