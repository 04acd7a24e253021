import { z } from 'zod';
import { RECENT_FACTOR } from '../access/index.ts';
import { AUDIT_ADMIN } from './audit-trail.schemas.ts';

export const LEGAL_HOLD_ACCESS = { ...AUDIT_ADMIN, recentFactorMs: RECENT_FACTOR.admin };
export const legalHoldParams = z.strictObject({ orgId: z.uuid() });
export const legalHoldBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const legalHoldResponse = z.object({ orgId: z.string(), reason: z.string(), setBy: z.string(), setAt: z.string() });
