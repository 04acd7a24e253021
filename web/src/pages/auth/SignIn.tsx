import { lazy, Suspense, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { withCaptcha } from '../../api/captcha.ts';
import { post } from '../../api/client.ts';
import type {
  LoginResult,
  MfaRequired,
  PasskeyAssertionOptions,
  PasskeyChallenge,
  PasskeySignIn,
} from '../../api/types.ts';
import { CaptchaStatus } from '../../components/CaptchaStatus.tsx';
import { Alert, AuthCard, Button, Field, Spinner } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { announceSignIn, homeOf, useSession } from '../../session/session.tsx';
import { passkeyAssertion } from './passkey.ts';
import { useWebConfig } from '../../api/web-config.ts';

// The QR code library loads only for the few users who must enroll.
const Enroll = lazy(() => import('./Enroll.tsx'));

type Step =
  { kind: 'password' } | { kind: 'mfa'; challenge: MfaRequired } | { kind: 'enroll'; enrollmentToken: string };

const REASONS: Record<string, string> = {
  idle: 'You were signed out after a period of inactivity.',
  expired: 'Your session has ended. Please sign in again.',
  reset: 'Your password was changed. Sign in with the new one.',
  verified: 'Your address is confirmed. You can sign in now.',
  setup: 'Chambers is set up. Sign in to finish securing your account.',
  invited: 'Your account is ready. Sign in to continue.',
};

export default function SignIn() {
  const [params] = useSearchParams();
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const { reload } = useSession();
  const navigate = useNavigate();
  const notice = REASONS[params.get('reason') ?? ''];

  const finish = async () => {
    announceSignIn();
    const me = await reload();
    const next = params.get('next');
    void navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : me ? homeOf(me) : '/', {
      replace: true,
    });
  };
  const handle = async (result: LoginResult) => {
    if ('mfaRequired' in result) setStep({ kind: 'mfa', challenge: result });
    else if ('mfaEnrollmentRequired' in result) setStep({ kind: 'enroll', enrollmentToken: result.enrollmentToken });
    else await finish();
  };

  if (step.kind === 'mfa')
    return <MfaChallenge challenge={step.challenge} onDone={finish} onCancel={() => setStep({ kind: 'password' })} />;
  if (step.kind === 'enroll')
    return (
      <Suspense fallback={<Spinner />}>
        <Enroll enrollmentToken={step.enrollmentToken} onDone={finish} />
      </Suspense>
    );
  return <PasswordStep notice={notice} onResult={handle} />;
}

function PasswordStep({ notice, onResult }: { notice?: string; onResult: (r: LoginResult) => Promise<void> }) {
  const { registrationOpen } = useWebConfig();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [solving, setSolving] = useState(false);
  const { busy, error, run, onSubmit } = useFormAction();

  const submit = onSubmit(
    async () =>
      onResult(
        await withCaptcha(
          (captchaToken) => post<LoginResult>('/api/v1/auth/login', { email, password, captchaToken }),
          setSolving,
        ),
      ),
    { staysBusy: true },
  );
  const withPasskey = () =>
    run(async () => {
      const { challengeId, options } = await post<PasskeyChallenge>('/api/v1/auth/passkey/options');
      const response = await passkeyAssertion(options);
      await onResult(await post<PasskeySignIn>('/api/v1/auth/passkey/verify', { challengeId, response }));
    });
  return (
    <AuthCard
      title="Sign in"
      subtitle="Welcome back. Sign in to your secure workspace."
      footer={
        registrationOpen ? (
          <>
            New to Chambers? <Link to="/register">Create an account</Link>
          </>
        ) : (
          <>New to Chambers? Ask your administrator for an invitation.</>
        )
      }
    >
      {notice && <Alert kind="info">{notice}</Alert>}
      <Alert>{error}</Alert>
      <form onSubmit={submit} noValidate={false}>
        <Field
          label="Email address"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div className="form-row-end">
          <Link to="/forgot">Forgot your password?</Link>
        </div>
        <CaptchaStatus solving={solving} />
        <Button type="submit" busy={busy} className="btn btn-primary btn-block">
          Sign in
        </Button>
      </form>
      <div className="divider">
        <span>or</span>
      </div>
      <Button type="button" variant="secondary" className="btn btn-secondary btn-block" onClick={withPasskey}>
        Sign in with a passkey
      </Button>
    </AuthCard>
  );
}

function MfaChallenge({
  challenge,
  onDone,
  onCancel,
}: {
  challenge: MfaRequired;
  onDone: () => Promise<void>;
  onCancel: () => void;
}) {
  const [method, setMethod] = useState<'totp' | 'backup_code'>(
    challenge.methods.includes('totp') ? 'totp' : 'backup_code',
  );
  const [code, setCode] = useState('');
  const [trustDevice, setTrustDevice] = useState(false);
  const { trustedDeviceDays } = useWebConfig();
  const { busy, error, run, onSubmit } = useFormAction();

  const submit = onSubmit(
    async () => {
      const value = code.replace(/\s/g, '');
      await post('/api/v1/auth/mfa/verify', {
        mfaToken: challenge.mfaToken,
        ...(method === 'totp' ? { totp: value } : { backupCode: value }),
        trustDevice,
      });
      await onDone();
    },
    { staysBusy: true },
  );
  const withPasskey = () =>
    run(async () => {
      const options = await post<PasskeyAssertionOptions>('/api/v1/auth/mfa/webauthn/options', {
        mfaToken: challenge.mfaToken,
      });
      const response = await passkeyAssertion(options);
      await post('/api/v1/auth/mfa/webauthn/verify', { mfaToken: challenge.mfaToken, response, trustDevice });
      await onDone();
    });
  return (
    <AuthCard
      title="Two-step verification"
      subtitle={
        method === 'totp'
          ? 'Enter the 6-digit code from your authenticator app.'
          : 'Enter one of your backup codes. Each works once.'
      }
    >
      <Alert>{error}</Alert>
      <form onSubmit={submit}>
        {method === 'totp' ? (
          <Field
            key="totp"
            label="Authentication code"
            name="totp"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        ) : (
          <Field
            key="backup"
            label="Backup code"
            name="backupCode"
            autoComplete="off"
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        )}
        <div className="checkbox">
          <input
            id="trust-device"
            type="checkbox"
            checked={trustDevice}
            onChange={(e) => setTrustDevice(e.target.checked)}
          />
          <label htmlFor="trust-device">Trust this device for {trustedDeviceDays} days</label>
        </div>
        <Button type="submit" busy={busy} className="btn btn-primary btn-block">
          Verify
        </Button>
      </form>
      <div className="alt-methods">
        {method === 'totp' && challenge.methods.includes('backup_code') && (
          <button
            type="button"
            className="btn btn-link"
            onClick={() => {
              setMethod('backup_code');
              setCode('');
            }}
          >
            Use a backup code
          </button>
        )}
        {method === 'backup_code' && challenge.methods.includes('totp') && (
          <button
            type="button"
            className="btn btn-link"
            onClick={() => {
              setMethod('totp');
              setCode('');
            }}
          >
            Use your authenticator app
          </button>
        )}
        {challenge.methods.includes('webauthn') && (
          <button type="button" className="btn btn-link" onClick={withPasskey}>
            Use a passkey
          </button>
        )}
        <button type="button" className="btn btn-link" onClick={onCancel}>
          Start over
        </button>
      </div>
    </AuthCard>
  );
}
