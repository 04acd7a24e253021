import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { post } from '../../api/client.ts';
import { Alert, AuthCard, Button, Field } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';

/** Accepting an invitation: a new address chooses a name and password. */
export default function Invite() {
  const [params] = useSearchParams();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, onSubmit } = useFormAction();
  const navigate = useNavigate();
  const token = params.get('token') ?? '';

  const submit = onSubmit(
    async () => {
      await post('/api/v1/invitations/accept', { token, name, password });
      void navigate('/login?reason=invited', { replace: true });
    },
    { staysBusy: true },
  );
  return (
    <AuthCard
      title="Join your organization"
      subtitle="You were invited to Chambers. Choose your name and a password to finish."
      footer={
        <>
          Already have an account? <Link to="/login">Sign in</Link>
        </>
      }
    >
      {!token && <Alert>This page needs the link from your invitation email.</Alert>}
      <Alert>{error}</Alert>
      <form onSubmit={submit}>
        <Field
          label="Full name"
          name="name"
          autoComplete="name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={12}
          maxLength={128}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Button type="submit" busy={busy} disabled={!token} className="btn btn-primary btn-block">
          Accept invitation
        </Button>
      </form>
    </AuthCard>
  );
}
