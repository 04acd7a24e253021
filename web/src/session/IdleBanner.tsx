import { useEffect, useState } from 'react';
import { get } from '../api/client.ts';
import type { WebConfig } from '../api/types.ts';
import { loadWebConfig } from '../api/web-config.ts';
import { lastActivity, onSessionMessage } from './activity.ts';
import { useSession } from './session.tsx';

const IDLE_SIGNED_OUT_KEY = 'chambers.idleSignedOutFor';

/**
 * Every open tab reaches the expiry at the same moment; one of them (under a Web
 * Lock) ends the session on the server, the others only sign out locally.
 */
async function signOutOnce(signOut: (reason: 'idle', serverAlreadyDone: boolean) => Promise<void>): Promise<void> {
  const run = async () => {
    const marker = String(lastActivity());
    const done = localStorage.getItem(IDLE_SIGNED_OUT_KEY) === marker;
    localStorage.setItem(IDLE_SIGNED_OUT_KEY, marker);
    await signOut('idle', done);
  };
  if (navigator.locks) await navigator.locks.request('chambers-idle-sign-out', run);
  else await run();
}

/**
 * Warns a minute (configurable) before the idle sign-out. Every tab reads the
 * same last-activity time, so the banner, "Stay signed in" and the sign-out
 * happen together in all of them.
 */
/**
 * The idle limit this tab counts down from: the deployment's web setting, or the
 * organization's own limit (returned by /me) when that is shorter — the server
 * ends the session at the organization's limit, so warning later would be false.
 */
function effectiveIdle(config: WebConfig, orgIdleMinutes: number | undefined) {
  const timeout = Math.min(config.idleTimeoutSeconds, orgIdleMinutes ? orgIdleMinutes * 60 : Infinity);
  return { timeout, warning: Math.min(config.idleWarningSeconds, Math.max(timeout - 1, 1)) };
}

export function IdleBanner() {
  const { signOut, state } = useSession();
  const orgIdleMinutes = state.status === 'signed-in' ? state.me.session.idleTimeoutMinutes : undefined;
  const [config, setConfig] = useState<WebConfig | null>(null);
  const [remaining, setRemaining] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void loadWebConfig().then(setConfig);
  }, []);

  useEffect(() => {
    if (!config) return;
    const idle = effectiveIdle(config, orgIdleMinutes);
    let signingOut = false;
    const tick = () => {
      const left = Math.ceil((lastActivity() + idle.timeout * 1000 - Date.now()) / 1000);
      if (left <= 0 && !signingOut) {
        signingOut = true;
        void signOutOnce(signOut);
        return;
      }
      setRemaining(left <= idle.warning ? left : null);
    };
    tick();
    const timer = window.setInterval(tick, 1000);
    const off = onSessionMessage((m) => m.type === 'activity' && tick());
    return () => {
      window.clearInterval(timer);
      off();
    };
  }, [config, orgIdleMinutes, signOut]);

  if (remaining === null) return null;
  const stay = async () => {
    setBusy(true);
    try {
      await get('/api/v1/me'); // a request is what keeps the server session alive
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="idle-banner" role="alertdialog" aria-labelledby="idle-title" aria-describedby="idle-text">
      <div>
        <strong id="idle-title">Are you still there?</strong>{' '}
        <span id="idle-text">
          For your security you will be signed out in{' '}
          <span className="nowrap">
            {remaining} second{remaining === 1 ? '' : 's'}
          </span>
          .
        </span>
      </div>
      <div className="idle-actions">
        <button className="btn btn-primary" onClick={stay} disabled={busy} autoFocus>
          Stay signed in
        </button>
        <button className="btn btn-secondary" onClick={() => void signOut('user')}>
          Sign out now
        </button>
      </div>
    </div>
  );
}
