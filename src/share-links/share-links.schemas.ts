import { z } from 'zod';

export const createShareLinkBody = z.strictObject({
  expiresInDays: z.number().int().min(1).max(7).default(7),
  /** Optional; the recipient must give it before the bytes are served (argon2id, 5 tries). */
  passcode: z.string().min(6).max(128).optional(),
});
export const shareLinkIdParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });
export const shareTokenParams = z.strictObject({ token: z.string().max(100) });
export const sharePasscodeBody = z.strictObject({ passcode: z.string().min(1).max(128) });

export const createdShareLinkResponse = z.object({ id: z.uuid(), url: z.string(), expiresAt: z.string() });
export const shareLinkResponse = z.object({
  id: z.uuid(),
  documentId: z.uuid(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  locked: z.boolean(),
  hasPasscode: z.boolean(),
  createdBy: z.uuid(),
  createdAt: z.string(),
});
export const shareLinkListResponse = z.object({ shareLinks: z.array(shareLinkResponse) });
