import { useEffect, useState } from 'react';
import { post } from '../../api/client.ts';
import type { TotpConfirmation, TotpEnrollment } from '../../api/types.ts';
import { Alert, Button, Field, Spinner } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { QrCode } from '../auth/QrCode.tsx';

/** Adding an authenticator app from the account page (signed in already). */
export function TotpSetup({ onDone, onCancel }: { onDone: (backupCodes: string[]) => void; onCancel: () => void }) {
  const [setup, setSetup] = useState<TotpEnrollment | null>(null);
  const [code, setCode] = useState('');
  const { busy, error, onSubmit, fail } = useFormAction();
  useEffect(() => {
    post<TotpEnrollment>('/api/v1/mfa/totp/enroll').then(setSetup, fail);
  }, [fail]);
  const submit = onSubmit(
    async () => onDone((await post<TotpConfirmation>('/api/v1/mfa/totp/confirm', { code: code.trim() })).backupCodes),
    { staysBusy: true },
  );
  return (
    <div className="callout">
      <h3>Set up your authenticator app</h3>
      <Alert>{error}</Alert>
      {!setup ? (
        !error && <Spinner />
      ) : (
        <div className="totp-setup">
          <QrCode value={setup.otpauthUrl} label="QR code for your authenticator app" />
          <form onSubmit={submit}>
            <p>
              Scan the code, or enter this key:{' '}
              <code className="secret-key" data-testid="totp-secret">
                {setup.secret}
              </code>
            </p>
            <Field
              label="6-digit code"
              name="totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <div className="form-actions">
              <Button type="submit" busy={busy}>
                Turn on
              </Button>
              <Button type="button" variant="secondary" onClick={onCancel}>
                Cancel
              </Button>
            </div>
          </form>
        </div>
      )}
    </div>
  );
}
