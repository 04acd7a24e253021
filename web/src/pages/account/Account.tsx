import { useCallback, useEffect, useState } from 'react';
import { del, get, post } from '../../api/client.ts';
import type {
  MfaStatus,
  NewBackupCodes,
  Passkey,
  PasskeyList,
  PasskeyRegistrationChallenge,
  SessionView,
  TrustedDevice,
  TrustedDeviceList,
} from '../../api/types.ts';
import { Alert, Button, Empty, Field, PageHeader, Section, deviceName, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { useMe, useSession } from '../../session/session.tsx';
import { BackupCodes } from './BackupCodes.tsx';
import { PrivacySection } from './PrivacySection.tsx';
import { TotpSetup } from './TotpSetup.tsx';
import { passkeyRegistration } from '../auth/passkey.ts';
import { useWebConfig } from '../../api/web-config.ts';

export default function Account() {
  const me = useMe();
  return (
    <>
      <PageHeader title="Your account" description="Profile, sign-in security and where you are signed in." />
      <div className="stack">
        <Section title="Profile">
          <dl className="facts">
            <div>
              <dt>Name</dt>
              <dd>{me.user.name}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>{me.user.email}</dd>
            </div>
            <div>
              <dt>Organization</dt>
              <dd>{me.org ? me.org.name : '—'}</dd>
            </div>
          </dl>
        </Section>
        <PasswordSection />
        <MfaSection />
        <SessionsSection />
        <PrivacySection />
      </div>
    </>
  );
}

function PasswordSection() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { busy, error, success, onSubmit } = useFormAction();
  const submit = onSubmit(async () => {
    await post('/api/v1/auth/password/change', { currentPassword: current, newPassword: next });
    setCurrent('');
    setNext('');
    return 'Password changed. Your other sessions were signed out.';
  });
  return (
    <Section title="Password" description="Changing it signs you out everywhere else.">
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      <form onSubmit={submit} className="form-narrow">
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={12}
          maxLength={128}
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <Button type="submit" busy={busy}>
          Change password
        </Button>
      </form>
    </Section>
  );
}

function MfaSection() {
  const { reload } = useSession();
  const [status, setStatus] = useState<MfaStatus | null>(null);
  const [passkeys, setPasskeys] = useState<Passkey[]>([]);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [enrolling, setEnrolling] = useState(false);
  const { error, run, fail } = useFormAction();

  const load = useCallback(async () => {
    const [s, p] = await Promise.all([
      get<MfaStatus>('/api/v1/mfa'),
      get<PasskeyList>('/api/v1/mfa/webauthn/credentials'),
    ]);
    setStatus(s);
    setPasskeys(p.credentials);
  }, []);
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);

  const act = (fn: () => Promise<unknown>) => () =>
    run(async () => {
      await fn();
      await Promise.all([load(), reload()]);
    });
  const addPasskey = act(async () => {
    const { challengeId, options } = await post<PasskeyRegistrationChallenge>('/api/v1/mfa/webauthn/register/options');
    const response = await passkeyRegistration(options);
    await post('/api/v1/mfa/webauthn/register/verify', { challengeId, response });
  });

  return (
    <Section
      title="Two-step verification"
      description="A second factor protects your account even if your password leaks."
    >
      <Alert>{error}</Alert>
      {status && (
        <div className="mfa-grid">
          <div className="mfa-item">
            <h3>Authenticator app</h3>
            <p className={status.totp ? 'status status-on' : 'status status-off'}>{status.totp ? 'On' : 'Off'}</p>
            {status.totp ? (
              <Button variant="secondary" onClick={act(() => del('/api/v1/mfa/totp'))}>
                Remove authenticator
              </Button>
            ) : enrolling ? null : (
              <Button onClick={() => setEnrolling(true)}>Set up authenticator</Button>
            )}
          </div>
          <div className="mfa-item">
            <h3>Backup codes</h3>
            <p className="status">{status.backupCodesLeft} unused</p>
            <Button
              variant="secondary"
              disabled={!status.totp}
              onClick={act(async () =>
                setCodes((await post<NewBackupCodes>('/api/v1/mfa/backup-codes/regenerate')).backupCodes),
              )}
            >
              Generate new codes
            </Button>
          </div>
          <div className="mfa-item">
            <h3>Passkeys</h3>
            <p className="status">{passkeys.length} registered</p>
            <Button variant="secondary" onClick={addPasskey}>
              Add a passkey
            </Button>
          </div>
        </div>
      )}
      {enrolling && (
        <TotpSetup
          onDone={(c) => {
            setEnrolling(false);
            setCodes(c);
            void load();
            void reload();
          }}
          onCancel={() => setEnrolling(false)}
        />
      )}
      {codes && (
        <div className="callout">
          <h3>Your new backup codes</h3>
          <p>Each signs you in once. Store them somewhere safe; they will not be shown again.</p>
          <BackupCodes codes={codes} />
        </div>
      )}
      {passkeys.length > 0 && (
        <table className="table">
          <caption className="sr-only">Passkeys</caption>
          <thead>
            <tr>
              <th scope="col">Passkey</th>
              <th scope="col">Added</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {passkeys.map((p) => (
              <tr key={p.id}>
                <td>{p.name}</td>
                <td>{formatDate(p.createdAt)}</td>
                <td>{formatDate(p.lastUsedAt)}</td>
                <td className="actions">
                  <Button
                    variant="link"
                    onClick={act(() => del(`/api/v1/mfa/webauthn/credentials/${p.id}`))}
                    aria-label={`Remove passkey ${p.name}`}
                  >
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function SessionsSection() {
  const { trustedDeviceDays } = useWebConfig();
  const { signOut } = useSession();
  const [sessions, setSessions] = useState<SessionView[] | null>(null);
  const [devices, setDevices] = useState<TrustedDevice[]>([]);
  const { error, run, fail } = useFormAction();
  const load = useCallback(async () => {
    const [s, d] = await Promise.all([
      get<SessionView[]>('/api/v1/auth/sessions'),
      get<TrustedDeviceList>('/api/v1/mfa/trusted-devices'),
    ]);
    setSessions(s);
    setDevices(d.devices);
  }, []);
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);
  const revoke = (path: string) => () =>
    run(async () => {
      await del(path);
      await load();
    });
  return (
    <Section
      title="Where you are signed in"
      description={`End any session you do not recognise. Trusted devices skip the second factor for ${trustedDeviceDays} days.`}
    >
      <Alert>{error}</Alert>
      <h3>Sessions</h3>
      {sessions && sessions.length === 0 && <Empty>No active sessions.</Empty>}
      {sessions && sessions.length > 0 && (
        <table className="table">
          <caption className="sr-only">Active sessions</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">IP address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last active</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>
                  {deviceName(s.userAgent)} {s.current && <span className="badge">This device</span>}
                </td>
                <td>{s.ip ?? '—'}</td>
                <td>{formatDate(s.createdAt)}</td>
                <td>{formatDate(s.lastSeenAt)}</td>
                <td className="actions">
                  {!s.current && (
                    <Button variant="link" onClick={revoke(`/api/v1/auth/sessions/${s.id}`)}>
                      Sign out
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Trusted devices</h3>
      {devices.length === 0 ? (
        <Empty>No trusted devices.</Empty>
      ) : (
        <table className="table">
          <caption className="sr-only">Trusted devices</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Trusted since</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <tr key={d.id}>
                <td>{deviceName(d.userAgent)}</td>
                <td>{formatDate(d.createdAt)}</td>
                <td>{formatDate(d.expiresAt)}</td>
                <td className="actions">
                  <Button variant="link" onClick={revoke(`/api/v1/mfa/trusted-devices/${d.id}`)}>
                    Stop trusting
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="form-actions">
        <Button variant="danger" onClick={() => void signOut('everywhere')}>
          Sign out everywhere
        </Button>
      </div>
    </Section>
  );
}
