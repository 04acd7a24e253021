import { useCallback, useEffect, useState } from 'react';
import { bodyOf, developerApi } from './developer-api.ts';
import { Alert, Empty, Section, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import type { ApiCall } from './types.ts';

/** Every call made with the organization's API keys, newest first. */
export function CallLog() {
  const [calls, setCalls] = useState<ApiCall[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const { error, fail } = useFormAction();
  const load = useCallback(
    (cursor?: string) =>
      developerApi.GET('/api/v1/developer/calls', { params: { query: cursor ? { cursor } : {} } }).then((answer) => {
        const r = bodyOf(answer);
        setCalls((prev) => (cursor && prev ? [...prev, ...r.calls] : r.calls));
        setNext(r.nextCursor);
      }, fail),
    [fail],
  );
  useEffect(() => void load(), [load]);
  return (
    <Section title="Call log" description="Key, method, route, status, address and time of every API-key call.">
      <Alert>{error}</Alert>
      {calls && calls.length === 0 && <Empty>No calls with an API key yet.</Empty>}
      {calls && calls.length > 0 && (
        <table className="table">
          <caption className="sr-only">API calls</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Key</th>
              <th scope="col">Request</th>
              <th scope="col">Status</th>
              <th scope="col">Address</th>
              <th scope="col">Latency</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((c, i) => (
              <tr key={`${c.at}-${i}`}>
                <td className="nowrap">{formatDate(c.at)}</td>
                <td className="mono-cell">{c.keyId.slice(0, 8)}</td>
                <td className="mono-cell">
                  {c.method} {c.route}
                </td>
                <td>{c.status}</td>
                <td className="mono-cell">{c.ip ?? '—'}</td>
                <td>{c.latencyMs === null ? '—' : `${c.latencyMs} ms`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <div className="pager">
          <button type="button" className="btn btn-secondary" onClick={() => void load(next)}>
            Older calls
          </button>
        </div>
      )}
    </Section>
  );
}
