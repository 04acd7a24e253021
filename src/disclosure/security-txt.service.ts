import type { Config } from '../platform/config.ts';

/** RFC 9116 asks that Expires be less than a year ahead; a fresh document is made on each request. */
const EXPIRES_IN_MS = 180 * 24 * 60 * 60 * 1000;

/**
 * The RFC 9116 security.txt of this deployment: who to tell about a vulnerability,
 * until when the file holds, where it lives and (when configured) the disclosure policy.
 * Null when no contact is configured: a file without a Contact is not valid.
 */
export function securityTxt(
  config: Pick<Config, 'securityContacts' | 'securityPolicyUrl' | 'publicUrl'>,
  now: Date,
): string | null {
  if (config.securityContacts.length === 0) return null;
  const lines = [
    ...config.securityContacts.map((c) => `Contact: ${c}`),
    `Expires: ${new Date(now.getTime() + EXPIRES_IN_MS).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    `Canonical: ${new URL('/.well-known/security.txt', config.publicUrl).href}`,
    'Preferred-Languages: en',
    ...(config.securityPolicyUrl ? [`Policy: ${config.securityPolicyUrl}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
