import { useEffect, useState } from 'react';
import { post } from '../../api/client.ts';
import type { TotpConfirmation, TotpEnrollment } from '../../api/types.ts';
import { Alert, AuthCard, Button, Field, Spinner } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { BackupCodes } from '../account/BackupCodes.tsx';
import { QrCode } from './QrCode.tsx';

/**
 * Enrollment forced by policy: an administrator or judge with no second factor
 * sets up an authenticator before anything else. The enrollment token lives in
 * memory only, and confirming it signs the user in (cookies set by the server).
 */
export default function Enroll({ enrollmentToken, onDone }: { enrollmentToken: string; onDone: () => Promise<void> }) {
  const [setup, setSetup] = useState<TotpEnrollment | null>(null);
  const [code, setCode] = useState('');
  const { busy, error, onSubmit, fail } = useFormAction();
  const [backupCodes, setBackupCodes] = useState<string[] | null>(null);

  useEffect(() => {
    post<TotpEnrollment>('/api/v1/mfa/totp/enroll', undefined, enrollmentToken).then(setSetup, fail);
  }, [enrollmentToken, fail]);

  const submit = onSubmit(async () => {
    const res = await post<TotpConfirmation>('/api/v1/mfa/totp/confirm', { code: code.trim() }, enrollmentToken);
    setBackupCodes(res.backupCodes);
  });

  if (backupCodes)
    return (
      <AuthCard
        title="Save your backup codes"
        subtitle="If you lose your phone, each of these codes signs you in once. Store them somewhere safe; they will not be shown again."
      >
        <BackupCodes codes={backupCodes} />
        <Button className="btn btn-primary btn-block" onClick={() => void onDone()}>
          I have saved them — continue
        </Button>
      </AuthCard>
    );
  return (
    <AuthCard
      title="Set up two-step verification"
      subtitle="Your role requires a second factor. Scan the code with an authenticator app (such as 1Password, Google Authenticator or Microsoft Authenticator), then enter the code it shows."
    >
      <Alert>{error}</Alert>
      {!setup ? (
        !error && <Spinner />
      ) : (
        <>
          <div className="qr-wrap">
            <QrCode value={setup.otpauthUrl} label="QR code for your authenticator app" />
          </div>
          <details className="secret">
            <summary>Can't scan? Enter the key by hand</summary>
            <code className="secret-key" data-testid="totp-secret">
              {setup.secret}
            </code>
          </details>
          <form onSubmit={submit}>
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
            <Button type="submit" busy={busy} className="btn btn-primary btn-block">
              Verify and turn on
            </Button>
          </form>
        </>
      )}
    </AuthCard>
  );
}
