import { useEffect, useState } from 'react';
import { get } from '../../api/client.ts';
import { Alert, Section, Spinner } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';

type Operation = { summary?: string; tags?: string[]; 'x-api-key-scope'?: string; deprecated?: boolean };
type OpenApi = { paths: Record<string, Record<string, Operation>> };
type Row = { method: string; path: string; op: Operation };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * The API reference, rendered here from /api/openapi.json rather than by a third-party
 * viewer: nothing is loaded from elsewhere and no inline script or style is needed, so
 * it lives under the app's strict CSP. Operations a key may call show their scope.
 */
export function ApiReference() {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [onlyKeys, setOnlyKeys] = useState(true);
  const { error, fail } = useFormAction();
  useEffect(() => {
    get<OpenApi>('/api/openapi.json').then((doc) => {
      const out: Row[] = [];
      for (const [path, ops] of Object.entries(doc.paths))
        for (const [method, op] of Object.entries(ops)) if (METHODS.includes(method)) out.push({ method, path, op });
      setRows(out);
    }, fail);
  }, [fail]);
  const shown = rows?.filter((r) => !onlyKeys || r.op['x-api-key-scope']);
  const byTag = new Map<string, Row[]>();
  for (const r of shown ?? []) {
    const tag = r.op.tags?.[0] ?? 'other';
    byTag.set(tag, [...(byTag.get(tag) ?? []), r]);
  }
  return (
    <Section
      title="API reference"
      description="Send the key in the X-Api-Key header (never in the URL). The full document is at /api/openapi.json."
    >
      <Alert>{error}</Alert>
      <div className="checkbox">
        <input id="only-keys" type="checkbox" checked={onlyKeys} onChange={(e) => setOnlyKeys(e.target.checked)} />
        <label htmlFor="only-keys">Only operations an API key may call</label>
      </div>
      {!rows && !error && <Spinner />}
      {[...byTag.entries()].map(([tag, list]) => (
        <div key={tag}>
          <h3>{tag}</h3>
          <table className="table">
            <caption className="sr-only">{tag} operations</caption>
            <thead>
              <tr>
                <th scope="col">Operation</th>
                <th scope="col">What it does</th>
                <th scope="col">Key scope</th>
              </tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <tr key={`${r.method} ${r.path}`}>
                  <td className="mono-cell">
                    {r.method.toUpperCase()} {r.path}
                  </td>
                  <td>{r.op.summary ?? ''}</td>
                  <td>{r.op['x-api-key-scope'] ? <span className="badge">{r.op['x-api-key-scope']}</span> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </Section>
  );
}
