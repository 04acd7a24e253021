import { useEffect, useState } from 'react';
import { get, patch } from '../../api/client.ts';
import type { OrgSettings } from '../../api/types.ts';
import { Alert, Button, Field, Section } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { signalOnboardingChanged } from './onboarding-signal.ts';

export function Settings({ orgId }: { orgId: string }) {
  const [settings, setSettings] = useState<OrgSettings | null>(null);
  const { busy, error, success, onSubmit, fail } = useFormAction();
  useEffect(() => {
    get<OrgSettings>(`/api/v1/orgs/${orgId}/settings`).then(setSettings, fail);
  }, [orgId, fail]);
  if (!settings) return error ? <Alert>{error}</Alert> : null;
  const toggleRole = (role: string) =>
    setSettings({
      ...settings,
      mfaRequiredRoles: settings.mfaRequiredRoles.includes(role)
        ? settings.mfaRequiredRoles.filter((r) => r !== role)
        : [...settings.mfaRequiredRoles, role],
    });
  const submit = onSubmit(async () => {
    const extra = settings.mfaRequiredRoles.filter((r) => r === 'lawyer' || r === 'reviewer');
    setSettings(
      await patch<OrgSettings>(`/api/v1/orgs/${orgId}/settings`, {
        mfaRequiredRoles: extra,
        idleTimeoutMinutes: settings.idleTimeoutMinutes,
        singleSession: settings.singleSession,
      }),
    );
    signalOnboardingChanged();
    return 'Settings saved.';
  });
  return (
    <div className="stack">
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      <Section title="Sign-in policy" description="Administrators and judges always need a second factor.">
        <form onSubmit={submit} className="form-narrow">
          <fieldset>
            <legend>Also require two-step verification for</legend>
            {['lawyer', 'reviewer'].map((role) => (
              <div className="checkbox" key={role}>
                <input
                  id={`mfa-${role}`}
                  type="checkbox"
                  checked={settings.mfaRequiredRoles.includes(role)}
                  onChange={() => toggleRole(role)}
                />
                <label htmlFor={`mfa-${role}`}>{role === 'lawyer' ? 'Lawyers' : 'Reviewers'}</label>
              </div>
            ))}
          </fieldset>
          <Field
            label="Idle timeout (minutes)"
            name="idleTimeoutMinutes"
            type="number"
            min={5}
            max={480}
            required
            value={settings.idleTimeoutMinutes}
            onChange={(e) => setSettings({ ...settings, idleTimeoutMinutes: Number(e.target.value) })}
          />
          <div className="checkbox">
            <input
              id="single-session"
              type="checkbox"
              checked={settings.singleSession}
              onChange={(e) => setSettings({ ...settings, singleSession: e.target.checked })}
            />
            <label htmlFor="single-session">One session per member (a new sign-in ends the others)</label>
          </div>
          <Button type="submit" busy={busy}>
            Save settings
          </Button>
        </form>
      </Section>
    </div>
  );
}
