import { useEffect, useState } from 'react';
import { get } from './client.ts';
import type { WebConfig } from './types.ts';

/** Until the server answers (or if it cannot): the server's defaults, so the pages never promise more than it does. */
export const FALLBACK_WEB_CONFIG: WebConfig = {
  idleTimeoutSeconds: 1800,
  idleWarningSeconds: 60,
  trustedDeviceDays: 7,
  uploadsScanned: false,
  // Invite-only is the server's default: never offer a sign-up the server would refuse.
  registrationOpen: false,
};

let pending: Promise<WebConfig> | null = null;

/** The server's web settings, fetched once per page load and shared by every component. */
export function loadWebConfig(): Promise<WebConfig> {
  pending ??= get<WebConfig>('/api/v1/web/config').catch(() => FALLBACK_WEB_CONFIG);
  return pending;
}

export function useWebConfig(): WebConfig {
  const [config, setConfig] = useState<WebConfig>(FALLBACK_WEB_CONFIG);
  useEffect(() => {
    let live = true;
    void loadWebConfig().then((c) => live && setConfig(c));
    return () => {
      live = false;
    };
  }, []);
  return config;
}
