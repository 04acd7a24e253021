import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { AuditStatus } from '../api/types.ts';
import { formatDate } from '../components/ui.tsx';

const POLL_MS = 60_000;

/**
 * For administrators only: the audit log no longer matches a checkpoint it signed
 * (rows edited, deleted or rewritten behind the application's back). Stays on
 * screen, on every page, until the server stops reporting the alarm.
 */
export function AuditAlarmBanner() {
  const [alarm, setAlarm] = useState<AuditStatus['alarm']>(null);
  useEffect(() => {
    let stopped = false;
    const poll = () =>
      api<AuditStatus>('GET', '/api/v1/audit/status', { background: true }).then(
        (s) => !stopped && setAlarm(s.state === 'alarm' ? s.alarm : null),
        () => undefined, // a failed poll keeps what we last knew; the next one retries
      );
    void poll();
    const timer = window.setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, []);
  if (!alarm) return null;
  return (
    <div className="audit-alarm" role="alert" aria-labelledby="audit-alarm-title" data-testid="audit-alarm">
      <div>
        <strong id="audit-alarm-title">The audit log no longer matches its last signed checkpoint.</strong>
        <p>
          {alarm.since ? <>Since {formatDate(alarm.since)}, </> : null}
          events already covered by the signed checkpoint
          {alarm.checkpointSize !== null ? ` of ${alarm.checkpointSize} events` : ''} appear to have been edited,
          deleted or rewritten ({alarm.reason}). New events are still recorded, but no new checkpoint is signed.
        </p>
        <p>
          What to do: do not change the database. Ask your platform operator to run{' '}
          <code>chambers audit verify --db</code>, keep a copy of the database and of <code>checkpoints.log</code> as
          evidence, and treat this as a security incident.
        </p>
      </div>
    </div>
  );
}
