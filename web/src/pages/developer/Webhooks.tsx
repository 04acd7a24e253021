import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Empty, Field, Section, SelectField, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { ShownOnce } from './ShownOnce.tsx';
import { bodyOf, developerApi } from './developer-api.ts';
import { EVENTS, type Delivery, type EventType, type WebhookEndpoint } from './types.ts';

const STATUS_BADGE = { active: 'badge-ok', failing: 'badge-warn', disabled: 'badge-bad' } as const;

/** Outbound webhooks: subscribe an endpoint, rotate its secret, send a test event, see and resend deliveries. */
export function Webhooks() {
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null);
  const [url, setUrl] = useState('');
  const [mode, setMode] = useState<'live' | 'test'>('live');
  const [events, setEvents] = useState<Set<EventType>>(new Set(['matter.created']));
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const { busy, error, success, onSubmit, run, fail } = useFormAction();

  const load = useCallback(
    () => developerApi.GET('/api/v1/developer/webhooks').then((r) => setEndpoints(bodyOf(r).webhooks), fail),
    [fail],
  );
  useEffect(() => void load(), [load]);

  const submit = onSubmit(async () => {
    const created = bodyOf(
      await developerApi.POST('/api/v1/developer/webhooks', { body: { url: url.trim(), mode, events: [...events] } }),
    );
    setSecret({ label: 'Signing secret', value: created.secret });
    setUrl('');
    await load();
  });
  const rotate = (e: WebhookEndpoint) =>
    run(async () => {
      const r = bodyOf(
        await developerApi.POST('/api/v1/developer/webhooks/{id}/rotate-secret', { params: { path: { id: e.id } } }),
      );
      setSecret({ label: 'New signing secret', value: r.secret });
      return `The previous secret keeps signing alongside until ${formatDate(r.previousSecretValidUntil)}.`;
    });
  const sendTest = (e: WebhookEndpoint) =>
    run(async () => {
      await developerApi.POST('/api/v1/developer/webhooks/{id}/test', { params: { path: { id: e.id } } });
      setOpen(e.id);
      return 'A webhook.test event is on its way.';
    });
  const remove = (e: WebhookEndpoint) =>
    run(async () => {
      await developerApi.DELETE('/api/v1/developer/webhooks/{id}', { params: { path: { id: e.id } } });
      await load();
      return 'Endpoint deleted.';
    });

  return (
    <div className="stack">
      <Section
        title="Add an endpoint"
        description="Deliveries are signed by the Standard Webhooks convention (webhook-id, webhook-timestamp, webhook-signature)."
      >
        <Alert>{error}</Alert>
        <Alert kind="success">{success}</Alert>
        {secret && <ShownOnce label={secret.label} value={secret.value} onDone={() => setSecret(null)} />}
        <form onSubmit={submit} className="form-narrow">
          <Field
            label="Endpoint URL"
            name="url"
            type="url"
            required
            placeholder="https://"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <SelectField
            label="Mode"
            name="webhookMode"
            value={mode}
            onChange={(v) => setMode(v === 'test' ? 'test' : 'live')}
            options={[
              { value: 'live', label: 'Live: events about live data' },
              { value: 'test', label: 'Test: events about test data only' },
            ]}
          />
          <fieldset>
            <legend>Events</legend>
            <div className="check-grid">
              {EVENTS.map((ev) => (
                <div className="checkbox" key={ev}>
                  <input
                    id={`event-${ev}`}
                    type="checkbox"
                    checked={events.has(ev)}
                    onChange={(e) => {
                      const next = new Set(events);
                      if (e.target.checked) next.add(ev);
                      else next.delete(ev);
                      setEvents(next);
                    }}
                  />
                  <label htmlFor={`event-${ev}`}>{ev}</label>
                </div>
              ))}
            </div>
          </fieldset>
          <Button type="submit" busy={busy} disabled={!url.trim() || events.size === 0}>
            Add endpoint
          </Button>
        </form>
      </Section>
      <Section title="Endpoints">
        {endpoints && endpoints.length === 0 && <Empty>No webhook endpoints yet.</Empty>}
        {endpoints?.map((e) => (
          <article key={e.id} className="card" aria-label={e.url}>
            <p className="mono-cell">{e.url}</p>
            <p>
              <span className={`badge ${STATUS_BADGE[e.status]}`}>
                {e.status}
                {e.disabledReason ? ` (${e.disabledReason})` : ''}
              </span>{' '}
              <span className="badge">{e.mode}</span> <span className="muted">{e.events.join(', ')}</span>
            </p>
            <div className="form-actions">
              <button
                type="button"
                className="btn btn-secondary btn-small"
                onClick={() => setOpen(open === e.id ? null : e.id)}
              >
                Deliveries
              </button>
              <button type="button" className="btn btn-secondary btn-small" onClick={() => void sendTest(e)}>
                Send a test event
              </button>
              <button type="button" className="btn btn-secondary btn-small" onClick={() => void rotate(e)}>
                Rotate secret
              </button>
              <button type="button" className="btn btn-link btn-link-danger" onClick={() => void remove(e)}>
                Delete
              </button>
            </div>
            {open === e.id && <Deliveries endpointId={e.id} />}
          </article>
        ))}
      </Section>
    </div>
  );
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const [list, setList] = useState<Delivery[] | null>(null);
  const { error, success, run, fail } = useFormAction();
  const load = useCallback(
    () =>
      developerApi
        .GET('/api/v1/developer/webhooks/{id}/deliveries', { params: { path: { id: endpointId } } })
        .then((r) => setList(bodyOf(r).deliveries), fail),
    [endpointId, fail],
  );
  useEffect(() => void load(), [load]);
  const resend = (d: Delivery) =>
    run(async () => {
      await developerApi.POST('/api/v1/developer/webhooks/{id}/deliveries/{deliveryId}/resend', {
        params: { path: { id: endpointId, deliveryId: d.id } },
      });
      await load();
      return 'Queued again.';
    });
  return (
    <div>
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      <button type="button" className="btn btn-link" onClick={() => void load()}>
        Refresh
      </button>
      {list && list.length === 0 && <Empty>No deliveries yet.</Empty>}
      {list && list.length > 0 && (
        <table className="table">
          <caption className="sr-only">Deliveries</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Response</th>
              <th scope="col">Time</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <tr key={d.id}>
                <td className="mono-cell">{d.event}</td>
                <td>{d.status}</td>
                <td>{d.attempt}</td>
                <td>{d.responseStatus ?? '—'}</td>
                <td className="nowrap">{formatDate(d.at)}</td>
                <td className="actions">
                  <button type="button" className="btn btn-link" onClick={() => void resend(d)}>
                    Resend
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
