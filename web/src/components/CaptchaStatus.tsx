/**
 * What the form says while the browser solves the captcha (ALTCHA: a short proof of
 * work computed here, nothing sent to an outside service). A live region, so a screen
 * reader hears it too.
 */
export function CaptchaStatus({ solving }: { solving: boolean }) {
  return (
    <p className="hint" role="status" aria-live="polite" data-testid="captcha-status">
      {solving ? 'Checking that you are a person: a short computation in this browser…' : ''}
    </p>
  );
}
