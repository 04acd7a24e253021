import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { post } from '../../api/client.ts';
import { Alert, AuthCard, Button, Field, SelectField } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';

/** First start: the one-time setup link creates the first administrator and organization. */
export default function Setup() {
  const [params] = useSearchParams();
  const [form, setForm] = useState({ name: '', email: '', password: '', orgName: '', kind: 'firm' });
  const { busy, error, onSubmit } = useFormAction();
  const navigate = useNavigate();
  const token = params.get('token') ?? '';
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  const submit = onSubmit(
    async () => {
      await post('/api/v1/setup', {
        token,
        email: form.email,
        password: form.password,
        name: form.name,
        organization: { name: form.orgName, kind: form.kind },
      });
      // Administration first: its onboarding checklist guides the new administrator's first steps.
      void navigate('/login?reason=setup&next=/admin', { replace: true });
    },
    { staysBusy: true },
  );
  return (
    <AuthCard
      title="Set up Chambers"
      subtitle="Create the first administrator and your organization. This link works once."
    >
      {!token && <Alert>This page needs the setup link printed by the server on its first start.</Alert>}
      <Alert>{error}</Alert>
      <form onSubmit={submit}>
        <Field
          label="Organization name"
          name="orgName"
          required
          value={form.orgName}
          onChange={(e) => set('orgName')(e.target.value)}
        />
        <SelectField
          label="Organization type"
          value={form.kind}
          onChange={set('kind')}
          options={[
            { value: 'firm', label: 'Law firm' },
            { value: 'court', label: 'Court' },
          ]}
        />
        <Field
          label="Your full name"
          name="name"
          autoComplete="name"
          required
          value={form.name}
          onChange={(e) => set('name')(e.target.value)}
        />
        <Field
          label="Email address"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={(e) => set('email')(e.target.value)}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={12}
          maxLength={128}
          required
          value={form.password}
          onChange={(e) => set('password')(e.target.value)}
        />
        <Button type="submit" busy={busy} disabled={!token} className="btn btn-primary btn-block">
          Create administrator
        </Button>
      </form>
    </AuthCard>
  );
}
