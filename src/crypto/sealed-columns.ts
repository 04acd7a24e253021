/**
 * Every column that holds a secret sealed with sealSecret() under the master key,
 * and the purpose it was sealed for. Master-key rotation re-seals exactly these;
 * a module that seals a new kind of secret adds its column here, and a test holds
 * this list against the database catalog so a forgotten column fails the suite.
 */
export const SECRET_PURPOSE = { totp: 'totp', webhook: 'webhook' } as const;
export type SecretPurpose = (typeof SECRET_PURPOSE)[keyof typeof SECRET_PURPOSE];

export type SealedColumn = { table: string; id: string; column: string; purpose: SecretPurpose };

export const SEALED_SECRET_COLUMNS: readonly SealedColumn[] = [
  { table: 'chambers.mfa_totp', id: 'user_id', column: 'secret_ciphertext', purpose: SECRET_PURPOSE.totp },
  { table: 'chambers.webhook_secrets', id: 'id', column: 'secret_ciphertext', purpose: SECRET_PURPOSE.webhook },
];
