import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { withCaptcha } from '../../api/captcha.ts';
import { post } from '../../api/client.ts';
import { CaptchaStatus } from '../../components/CaptchaStatus.tsx';
import { Alert, AuthCard, Button, Field } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';

/** Sign-up, then the 6-digit code mailed to the address (also reachable at /verify). */
export default function Register({ verifyOnly = false }: { verifyOnly?: boolean }) {
  const [params] = useSearchParams();
  const [step, setStep] = useState<'details' | 'code'>(verifyOnly ? 'code' : 'details');
  const [name, setName] = useState('');
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [solving, setSolving] = useState(false);
  const { busy, error, onSubmit } = useFormAction();
  const navigate = useNavigate();

  const register = onSubmit(async () => {
    await withCaptcha(
      (captchaToken) => post('/api/v1/auth/register', { name, email, password, captchaToken }),
      setSolving,
    );
    setStep('code');
  });
  const verify = onSubmit(
    async () => {
      await post('/api/v1/auth/verify-email', { email, code: code.trim() });
      void navigate('/login?reason=verified', { replace: true });
    },
    { staysBusy: true },
  );

  if (step === 'code')
    return (
      <AuthCard
        title="Check your email"
        subtitle={
          email && !verifyOnly
            ? `We sent a 6-digit code to ${email}. It is valid for 30 minutes.`
            : 'Enter the 6-digit code we emailed you.'
        }
        footer={<Link to="/login">Back to sign in</Link>}
      >
        <Alert>{error}</Alert>
        <form onSubmit={verify}>
          {verifyOnly && (
            <Field
              label="Email address"
              name="email"
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
          <Field
            label="Verification code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <Button type="submit" busy={busy} className="btn btn-primary btn-block">
            Confirm address
          </Button>
        </form>
      </AuthCard>
    );
  return (
    <AuthCard
      title="Create your account"
      subtitle="Chambers keeps your matters and documents private by design."
      footer={
        <>
          Already have an account? <Link to="/login">Sign in</Link>
        </>
      }
    >
      <Alert>{error}</Alert>
      <form onSubmit={register}>
        <Field
          label="Full name"
          name="name"
          autoComplete="name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          label="Email address"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          maxLength={128}
          hint="At least 12 characters. A passphrase of several words works well."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <CaptchaStatus solving={solving} />
        <Button type="submit" busy={busy} className="btn btn-primary btn-block">
          Create account
        </Button>
      </form>
    </AuthCard>
  );
}
