import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { post } from '../../api/client.ts';
import { Alert, AuthCard, Button, Field } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';

/** Forgot password (a code is mailed) and reset with that code (also at /reset). */
export default function Forgot({ resetOnly = false }: { resetOnly?: boolean }) {
  const [params] = useSearchParams();
  const [step, setStep] = useState<'email' | 'reset'>(resetOnly ? 'reset' : 'email');
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, onSubmit } = useFormAction();
  const navigate = useNavigate();

  const requestCode = onSubmit(async () => {
    await post('/api/v1/auth/password/forgot', { email });
    setStep('reset');
  });
  const reset = onSubmit(
    async () => {
      await post('/api/v1/auth/password/reset', { email, code: code.trim(), newPassword: password });
      void navigate('/login?reason=reset', { replace: true });
    },
    { staysBusy: true },
  );

  if (step === 'reset')
    return (
      <AuthCard
        title="Choose a new password"
        subtitle="If an account exists for that address, we emailed it a 6-digit code. Signing in again will be needed on every device."
        footer={<Link to="/login">Back to sign in</Link>}
      >
        <Alert>{error}</Alert>
        <form onSubmit={reset}>
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
            label="Code from the email"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <Field
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            minLength={12}
            maxLength={128}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Button type="submit" busy={busy} className="btn btn-primary btn-block">
            Set new password
          </Button>
        </form>
      </AuthCard>
    );
  return (
    <AuthCard
      title="Reset your password"
      subtitle="Enter your address and we will email you a code."
      footer={<Link to="/login">Back to sign in</Link>}
    >
      <Alert>{error}</Alert>
      <form onSubmit={requestCode}>
        <Field
          label="Email address"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Button type="submit" busy={busy} className="btn btn-primary btn-block">
          Email me a code
        </Button>
      </form>
    </AuthCard>
  );
}
