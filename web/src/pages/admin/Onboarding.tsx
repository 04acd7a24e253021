import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { get, post } from '../../api/client.ts';
import { Alert, Button, Section } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { useMe } from '../../session/session.tsx';
import { onOnboardingChanged } from './onboarding-signal.ts';

// GET /api/v1/orgs/current/onboarding (written by hand until the OpenAPI types are regenerated).
type StepId = 'invite_team' | 'require_mfa' | 'retention';
type OnboardingStatus = { steps: { id: StepId; done: boolean }[]; dismissed: boolean };

/** What each step asks, where it is done, and why it matters. Link names avoid the tab names. */
const STEPS: Record<StepId, { title: string; to: string; why: string }> = {
  invite_team: {
    title: 'Invite your team',
    to: '/admin/members',
    why: 'Send each colleague an invitation with the role they need.',
  },
  require_mfa: {
    title: 'Require two-step verification for lawyers',
    to: '/admin/settings',
    why: 'Administrators always need a second factor; lawyers hold privileged files too.',
  },
  retention: {
    title: 'Choose how long documents are kept',
    to: '/admin/retention',
    why: 'Documents are deleted automatically after the period you choose.',
  },
};

/** A court has no lawyers (judges and clerks always need a factor): its step is about reviewers. */
const textOf = (id: StepId, court: boolean) =>
  court && id === 'require_mfa'
    ? {
        title: 'Require two-step verification for reviewers',
        why: 'Judges, clerks and administrators always need a second factor; reviewers read case files too.',
      }
    : STEPS[id];

/**
 * The first steps of a new organization, shown to its administrators until every step
 * is done or one of them dismisses it. The server reads each step from the data itself;
 * this reads it again on every administration page and after a step's page saves.
 */
export function Onboarding() {
  const [status, setStatus] = useState<OnboardingStatus | null>(null);
  const [dismissed, setDismissed] = useState(false);
  // Shown once with a step open, the list stays (all done) until the page changes, so the last tick is seen.
  const shownOpen = useRef(false);
  const { pathname } = useLocation();
  const { busy, error, success, run } = useFormAction();
  const court = useMe().org?.kind === 'court';

  const load = useCallback(() => {
    // A failed read shows nothing: the page below reports its own errors, and the list is only a guide.
    get<OnboardingStatus>('/api/v1/orgs/current/onboarding').then(setStatus, () => undefined);
  }, []);
  useEffect(() => {
    shownOpen.current = false;
    load();
  }, [load, pathname]);
  useEffect(() => onOnboardingChanged(load), [load]);

  const dismiss = () =>
    run(async () => {
      await post('/api/v1/orgs/current/onboarding/dismiss');
      setDismissed(true);
      return 'Checklist dismissed. Every step stays available in the tabs below.';
    });

  if (dismissed) return <Alert kind="success">{success}</Alert>;
  if (!status || status.dismissed) return null;
  const open = status.steps.filter((s) => !s.done).length;
  if (open > 0) shownOpen.current = true;
  else if (!shownOpen.current) return null;

  return (
    <Section
      title="Set up your organization"
      description={
        open === 0
          ? 'Every step is done. You can dismiss this list.'
          : `${status.steps.length - open} of ${status.steps.length} steps done. Each link opens the page where the step is done.`
      }
    >
      <Alert>{error}</Alert>
      <ol className="onboarding-steps" data-testid="onboarding">
        {status.steps.map(({ id, done }) => (
          <li key={id} data-step={id} data-done={done}>
            <span className={done ? 'badge badge-ok' : 'badge badge-warn'}>{done ? 'Done' : 'To do'}</span>
            <span className="onboarding-step">
              <Link to={STEPS[id].to}>{textOf(id, court).title}</Link>
              <span className="hint">{textOf(id, court).why}</span>
            </span>
          </li>
        ))}
      </ol>
      <Button variant="secondary" busy={busy} onClick={() => void dismiss()}>
        Dismiss checklist
      </Button>
    </Section>
  );
}
