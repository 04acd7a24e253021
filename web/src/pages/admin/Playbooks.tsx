import { useCallback, useEffect, useState } from 'react';
import { del, get, post, put } from '../../api/client.ts';
import { Alert, Button, Empty, Field, Section } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import type { Category, Playbook, PlaybookRule } from '../workspace/ai/types.ts';

const blankRule = (n: number): PlaybookRule => ({
  id: `rule-${n}`,
  category: 'Governing Law',
  expect: 'present',
  severity: 'warning',
});

/**
 * The firm's review playbooks (org_admin): rules by clause category, whether the clause must be
 * present or absent, how severe a miss is, and guidance for the reviewer. Members pick a playbook
 * when they review a document.
 */
export function Playbooks() {
  const [playbooks, setPlaybooks] = useState<Playbook[] | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [editing, setEditing] = useState<{ id: string | null; name: string; rules: PlaybookRule[] } | null>(null);
  const { busy, error, success, run, onSubmit, fail } = useFormAction();

  const load = useCallback(async () => {
    setPlaybooks((await get<{ playbooks: Playbook[] }>('/api/v1/playbooks')).playbooks);
  }, []);
  useEffect(() => {
    load().catch(fail);
    get<{ categories: Category[] }>('/api/v1/ai/categories')
      .then((r) => setCategories(r.categories))
      .catch(fail);
  }, [load, fail]);

  const setRule = (i: number, patch: Partial<PlaybookRule>) =>
    setEditing((e) => (e ? { ...e, rules: e.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) } : e));

  const save = async () => {
    if (!editing) return;
    const rules = editing.rules.map((r) => ({ ...r, guidance: r.guidance?.trim() || undefined }));
    if (editing.id) await put(`/api/v1/playbooks/${editing.id}`, { name: editing.name, rules });
    else await post('/api/v1/playbooks', { name: editing.name, rules });
    setEditing(null);
    await load();
    return `Playbook ${editing.name} saved.`;
  };

  return (
    <Section
      title="Playbooks"
      description="Review rules by clause category. Members choose a playbook when they review a document."
    >
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      {playbooks && playbooks.length === 0 && !editing && <Empty>No playbooks yet.</Empty>}
      {playbooks && playbooks.length > 0 && (
        <ul className="playbooks">
          {playbooks.map((p) => (
            <li key={p.id} data-playbook={p.name}>
              <strong>{p.name}</strong> · {p.rules.length} rule{p.rules.length === 1 ? '' : 's'}{' '}
              <button
                type="button"
                className="btn btn-link"
                onClick={() => setEditing({ id: p.id, name: p.name, rules: p.rules })}
                aria-label={`Edit ${p.name}`}
              >
                Edit
              </button>
              <button
                type="button"
                className="btn btn-link btn-link-danger"
                aria-label={`Delete ${p.name}`}
                onClick={() =>
                  void run(async () => {
                    if (!window.confirm(`Delete the playbook ${p.name}?`)) return;
                    await del(`/api/v1/playbooks/${p.id}`);
                    await load();
                    return `Playbook ${p.name} deleted.`;
                  })
                }
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      {!editing && (
        <Button type="button" onClick={() => setEditing({ id: null, name: '', rules: [blankRule(1)] })}>
          New playbook
        </Button>
      )}
      {editing && (
        <form onSubmit={onSubmit(save)} aria-label="Playbook editor">
          <Field
            label="Name"
            value={editing.name}
            onChange={(e) => setEditing({ ...editing, name: e.target.value })}
            required
            maxLength={200}
          />
          <table className="table">
            <caption className="sr-only">Rules</caption>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col">Expect</th>
                <th scope="col">Severity</th>
                <th scope="col">Guidance</th>
                <th scope="col">
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {editing.rules.map((r, i) => (
                <tr key={i}>
                  <td>
                    <select
                      aria-label={`Category of rule ${i + 1}`}
                      value={r.category}
                      onChange={(e) => setRule(i, { category: e.target.value })}
                    >
                      {categories.map((c) => (
                        <option key={c.name} value={c.name} title={c.description}>
                          {c.name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select
                      aria-label={`Expectation of rule ${i + 1}`}
                      value={r.expect}
                      onChange={(e) => setRule(i, { expect: e.target.value === 'absent' ? 'absent' : 'present' })}
                    >
                      <option value="present">present</option>
                      <option value="absent">absent</option>
                    </select>
                  </td>
                  <td>
                    <select
                      aria-label={`Severity of rule ${i + 1}`}
                      value={r.severity}
                      onChange={(e) =>
                        setRule(i, {
                          severity:
                            e.target.value === 'critical' ? 'critical' : e.target.value === 'info' ? 'info' : 'warning',
                        })
                      }
                    >
                      <option value="info">info</option>
                      <option value="warning">warning</option>
                      <option value="critical">critical</option>
                    </select>
                  </td>
                  <td>
                    <input
                      aria-label={`Guidance of rule ${i + 1}`}
                      value={r.guidance ?? ''}
                      maxLength={2000}
                      onChange={(e) => setRule(i, { guidance: e.target.value })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-link btn-link-danger"
                      aria-label={`Remove rule ${i + 1}`}
                      disabled={editing.rules.length === 1}
                      onClick={() => setEditing({ ...editing, rules: editing.rules.filter((_, j) => j !== i) })}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            <Button
              type="button"
              variant="secondary"
              onClick={() => {
                const used = new Set(editing.rules.map((r) => r.id));
                let n = editing.rules.length + 1;
                while (used.has(`rule-${n}`)) n++;
                setEditing({ ...editing, rules: [...editing.rules, blankRule(n)] });
              }}
            >
              Add rule
            </Button>
            <Button type="submit" busy={busy}>
              Save playbook
            </Button>
            <Button type="button" variant="link" onClick={() => setEditing(null)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
    </Section>
  );
}
