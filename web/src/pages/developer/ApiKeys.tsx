import { useCallback, useEffect, useState } from 'react';
import { bodyOf, developerApi } from './developer-api.ts';
import { Alert, Button, Empty, Field, Section, SelectField, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { ShownOnce } from './ShownOnce.tsx';
import { SCOPES, type ApiKey, type CreatedKey, type Scope } from './types.ts';

/** API keys: create with scopes (the key is shown once), see prefixes and last use, revoke. */
export function ApiKeys() {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState('');
  const [mode, setMode] = useState<'live' | 'test'>('live');
  const [scopes, setScopes] = useState<Set<Scope>>(new Set(['matters:read']));
  const [days, setDays] = useState('');
  const [quota, setQuota] = useState('');
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const { busy, error, success, onSubmit, run, fail } = useFormAction();

  const load = useCallback(
    () => developerApi.GET('/api/v1/developer/keys').then((r) => setKeys(bodyOf(r).keys), fail),
    [fail],
  );
  useEffect(() => void load(), [load]);

  const submit = onSubmit(async () => {
    const body = {
      name: name.trim(),
      mode,
      scopes: [...scopes],
      ...(days ? { expiresInDays: Number(days) } : {}),
      ...(quota ? { dailyQuota: Number(quota) } : {}),
    };
    setCreated(bodyOf(await developerApi.POST('/api/v1/developer/keys', { body })));
    setName('');
    await load();
  });
  const revoke = (k: ApiKey) =>
    run(async () => {
      await developerApi.DELETE('/api/v1/developer/keys/{id}', { params: { path: { id: k.id } } });
      await load();
      return `Key ${k.prefix}… revoked: it is refused from the next request on.`;
    });

  return (
    <div className="stack">
      <Section
        title="Create an API key"
        description="A key acts for the organization within its scopes. Test keys see only test data."
      >
        <Alert>{error}</Alert>
        <Alert kind="success">{success}</Alert>
        {created && (
          <ShownOnce label={`Your key ${created.prefix}…`} value={created.key} onDone={() => setCreated(null)} />
        )}
        <form onSubmit={submit} className="form-narrow">
          <Field
            label="Name"
            name="keyName"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <SelectField
            label="Mode"
            name="mode"
            value={mode}
            onChange={(v) => setMode(v === 'test' ? 'test' : 'live')}
            options={[
              { value: 'live', label: 'Live (chk_live_)' },
              { value: 'test', label: 'Test (chk_test_), test data only' },
            ]}
          />
          <fieldset>
            <legend>Scopes</legend>
            <div className="check-grid">
              {SCOPES.map((s) => (
                <div className="checkbox" key={s}>
                  <input
                    id={`scope-${s}`}
                    type="checkbox"
                    checked={scopes.has(s)}
                    onChange={(e) => {
                      const next = new Set(scopes);
                      if (e.target.checked) next.add(s);
                      else next.delete(s);
                      setScopes(next);
                    }}
                  />
                  <label htmlFor={`scope-${s}`}>{s}</label>
                </div>
              ))}
            </div>
          </fieldset>
          <Field
            label="Expires after (days)"
            name="expiresInDays"
            type="number"
            min={1}
            max={730}
            hint="Leave empty for a key that does not expire."
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
          <Field
            label="Calls a day"
            name="dailyQuota"
            type="number"
            min={1}
            max={10_000_000}
            hint="Counted from the call log, per UTC day. Leave empty for 100,000."
            value={quota}
            onChange={(e) => setQuota(e.target.value)}
          />
          <Button type="submit" busy={busy} disabled={!name.trim() || scopes.size === 0}>
            Create key
          </Button>
        </form>
      </Section>
      <Section title="Keys">
        {keys && keys.length === 0 && <Empty>No API keys yet.</Empty>}
        {keys && keys.length > 0 && (
          <table className="table">
            <caption className="sr-only">API keys of the organization</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">Today</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td className="mono-cell">{k.prefix}…</td>
                  <td>{k.scopes.join(', ')}</td>
                  <td>{formatDate(k.lastUsedAt)}</td>
                  <td>
                    {k.callsToday.toLocaleString()} / {k.dailyQuota.toLocaleString()}
                    <span className="sr-only">
                      {' '}
                      calls today; {k.ratePerSecond} a second, bursts of {k.burst}
                    </span>
                  </td>
                  <td>{k.revokedAt ? <span className="badge badge-bad">revoked</span> : formatDate(k.expiresAt)}</td>
                  <td className="actions">
                    {!k.revokedAt && (
                      <button type="button" className="btn btn-link btn-link-danger" onClick={() => void revoke(k)}>
                        Revoke<span className="sr-only"> {k.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}
