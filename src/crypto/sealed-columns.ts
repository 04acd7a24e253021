import type { MasterWrapPurpose } from './master-wrap.ts';

/**
 * Every column that holds a secret sealed with sealSecret() under the master key,
 * and the purpose it was sealed for. Master-key rotation re-seals exactly these;
 * a module that seals a new kind of secret adds its column here, and a test holds
 * this list against the database catalog so a forgotten column fails the suite.
 */
export const SECRET_PURPOSE = {
  totp: 'totp',
  webhook: 'webhook',
  outboundWebhook: 'outbound-webhook',
  aiProviderKey: 'ai-provider-key',
} as const;
export type SecretPurpose = (typeof SECRET_PURPOSE)[keyof typeof SECRET_PURPOSE];

export type SealedColumn = { table: string; id: string; column: string; purpose: SecretPurpose };

export const SEALED_SECRET_COLUMNS: readonly SealedColumn[] = [
  { table: 'chambers.mfa_totp', id: 'user_id', column: 'secret_ciphertext', purpose: SECRET_PURPOSE.totp },
  { table: 'chambers.webhook_secrets', id: 'id', column: 'secret_ciphertext', purpose: SECRET_PURPOSE.webhook },
  {
    table: 'chambers.webhook_endpoint_secrets',
    id: 'id',
    column: 'secret_ciphertext',
    purpose: SECRET_PURPOSE.outboundWebhook,
  },
  // An organization's own AI provider API key (ai_settings), bound to the organization id.
  { table: 'chambers.ai_settings', id: 'org_id', column: 'api_key_ciphertext', purpose: SECRET_PURPOSE.aiProviderKey },
];

/**
 * Every column that holds a key wrapped directly under a master subkey (master-wrap.ts),
 * with the id column whose value (after `bindingPrefix`) the wrap is bound to. Rotation
 * re-wraps each non-null value; a NULL is a destroyed key (crypto-shredding) and stays NULL.
 */
export type MasterWrappedKeyColumn = {
  table: string;
  id: string;
  column: string;
  purpose: MasterWrapPurpose;
  bindingPrefix: string;
};

export const MASTER_WRAPPED_KEY_COLUMNS: readonly MasterWrappedKeyColumn[] = [
  // A person's audit key (personal data in audit events); NULL once erased.
  {
    table: 'chambers.person_keys',
    id: 'user_id',
    column: 'wrapped_key',
    purpose: 'audit-person-key-wrap',
    bindingPrefix: '',
  },
  // An export archive's key; NULL once downloaded.
  {
    table: 'chambers.privacy_exports',
    id: 'id',
    column: 'wrapped_key',
    purpose: 'privacy-export-key-wrap',
    bindingPrefix: 'export:',
  },
];

/**
 * Ciphertext columns NOT under the master key: each is encrypted under a data key kept in
 * `keyedBy`, so master-key rotation leaves it as it is (re-wrapping that key, where the
 * master key wraps it, is enough). Listed so the catalog test can tell them from a
 * forgotten sealed secret.
 */
export const KEY_ENCRYPTED_COLUMNS: readonly { table: string; column: string; keyedBy: string }[] = [
  { table: 'audit.personal_data', column: 'ciphertext', keyedBy: 'chambers.person_keys.wrapped_key (master)' },
  { table: 'judicial.notes', column: 'body_ciphertext', keyedBy: 'judicial.notes.wrapped_key (judicial key)' },
  { table: 'judicial.orders', column: 'body_ciphertext', keyedBy: 'judicial.orders.wrapped_key (judicial key)' },
  {
    table: 'chambers.ai_review_log',
    column: 'ciphertext',
    keyedBy: 'chambers.ai_review_log.wrapped_data_key (organization key)',
  },
];
