import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { RECENT_FACTOR } from '../access/index.ts';
import { CATEGORIES } from './analyzer/categories.ts';

const CATEGORY_NAMES = CATEGORIES.map((c) => c.name) as [string, ...string[]];
const TOOLS = ['extract', 'review', 'summarize', 'ask'] as const;
export type Tool = (typeof TOOLS)[number];

/** A question over 50 KB, or any AI request body over 200 KB, is refused with 413 PAYLOAD_TOO_LARGE. */
export const MAX_QUESTION_BYTES = 50 * 1024;
export const MAX_REQUEST_BYTES = 200 * 1024;

const span = { text: z.string(), start: z.number().int(), end: z.number().int() };
const quote = z.object(span);
/** Said when a model provider is configured but did not answer and the local analyzer did instead. */
const meta = {
  provider: z.enum(['local', 'anthropic', 'openai-compatible']),
  model: z.string(),
  fallback: z.string().optional(),
  unverifiedDropped: z.number().int().optional(),
};

export const statusResponse = z.object({
  provider: z.enum(['local', 'anthropic', 'openai-compatible']),
  model: z.string(),
  tools: z.array(z.enum(TOOLS)),
  /** The organization keeps a review log of AI inputs and outputs: the web app says so where the tools are used. */
  reviewLog: z.boolean(),
  reviewLogDays: z.number().int(),
});

export const categoriesResponse = z.object({
  categories: z.array(z.object({ name: z.string(), description: z.string() })),
});

export const documentBody = z.strictObject({ documentId: z.uuid() });

export const extractResponse = z.object({
  clauses: z.array(z.object({ category: z.string(), ...span, value: z.string().optional() })),
  ...meta,
});

export const ruleSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash and underscore'),
  category: z.enum(CATEGORY_NAMES),
  expect: z.enum(['present', 'absent']),
  severity: z.enum(['info', 'warning', 'critical']),
  guidance: z.string().trim().max(2000).optional(),
});
export type PlaybookRule = z.infer<typeof ruleSchema>;

export const playbookBody = z
  .strictObject({ name: z.string().trim().min(1).max(200), rules: z.array(ruleSchema).min(1).max(100) })
  .refine((b) => new Set(b.rules.map((r) => r.id)).size === b.rules.length, { message: 'rule ids must be unique' });
export type PlaybookInput = z.infer<typeof playbookBody>;

export const playbookParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });

export const playbookResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  rules: z.array(ruleSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PlaybookView = z.infer<typeof playbookResponse>;

export const reviewBody = z.strictObject({ documentId: z.uuid(), playbookId: z.uuid() });
export const findingSchema = z.object({
  ruleId: z.string(),
  category: z.string(),
  status: z.enum(['ok', 'issue']),
  severity: z.enum(['info', 'warning', 'critical']),
  quote: quote.nullable(),
  explanation: z.string(),
});
export type Finding = z.infer<typeof findingSchema>;
export const reviewResponse = z.object({ findings: z.array(findingSchema), ...meta });

export const summarizeResponse = z.object({ summary: z.string(), quotes: z.array(quote), ...meta });

export const askBody = z.strictObject({
  // The 50 KB limit is checked in bytes by the service (413), not here (which would say 400).
  question: z.string().min(1).max(204_800),
  documentIds: z.array(z.uuid()).min(1).max(10),
});
export type AskInput = z.infer<typeof askBody>;
export const citationSchema = z.object({ documentId: z.uuid(), ...span });
export type Citation = z.infer<typeof citationSchema>;
export const askResponse = z.object({
  answer: z.string(),
  citations: z.array(citationSchema),
  unverifiedDropped: z.number().int(),
  provider: meta.provider,
  model: meta.model,
  fallback: meta.fallback,
});

export const usageResponse = z.object({
  days: z.array(z.object({ date: z.string(), tool: z.enum(TOOLS), count: z.number().int() })),
});

export const settingsBody = z.strictObject({
  quotaUserPerDay: z.number().int().min(0).max(1_000_000).nullable(),
  quotaOrgPerDay: z.number().int().min(0).max(10_000_000).nullable(),
  /** Omitted: unchanged. On: every AI call's inputs and outputs are kept, encrypted, for reviewLogDays. */
  reviewLog: z.boolean().optional(),
  reviewLogDays: z.number().int().min(1).max(3650).optional(),
});
export const settingsResponse = z.object({
  quotaUserPerDay: z.number().int(),
  quotaOrgPerDay: z.number().int(),
  /** Whether this organization keeps a review log of AI inputs and outputs (off: nothing is kept). */
  reviewLog: z.boolean(),
  reviewLogDays: z.number().int(),
});

const PROVIDERS = ['local', 'anthropic', 'openai-compatible'] as const;
export const providerBody = z.strictObject({
  /** null: the server's provider (AI_PROVIDER) answers for this organization again. */
  provider: z.enum(PROVIDERS).nullable(),
  baseUrl: z.string().trim().max(2048).nullable().optional(),
  model: z.string().trim().min(1).max(200).nullable().optional(),
  /** Write-only. Omitted: the stored key is kept; null: it is removed. */
  apiKey: z.string().min(1).max(1000).nullable().optional(),
});
export type ProviderInput = z.infer<typeof providerBody>;
export const providerResponse = z.object({
  provider: z.enum(PROVIDERS).nullable(),
  baseUrl: z.string().nullable(),
  model: z.string().nullable(),
  apiKeySet: z.boolean(),
});
export type ProviderView = z.infer<typeof providerResponse>;

export const reviewLogResponse = z.object({
  entries: z.array(
    z.object({
      id: z.uuid(),
      at: z.string(),
      userId: z.uuid().nullable(),
      tool: z.enum(TOOLS),
      documentIds: z.array(z.uuid()),
      input: z.unknown(),
      output: z.unknown(),
      expiresAt: z.string(),
    }),
  ),
});

/*
 * Route options. No `portal`: the same tools serve the lawyer portal and the judge portal.
 * AI calls carry the lawyer/judicial rate tiers through the declaration's defaults.
 */
const MEMBER = { access: {} };
const ADMIN = { access: { roles: ['org_admin' as const] } };
const bodyLimit = MAX_REQUEST_BYTES;

export const statusRoute = {
  config: MEMBER,
  schema: { tags: ['ai'], summary: 'Which AI provider and tools are available', response: { 200: statusResponse } },
} satisfies RouteShorthandOptions;

export const categoriesRoute = {
  config: MEMBER,
  schema: { tags: ['ai'], summary: 'The clause categories (CUAD v1)', response: { 200: categoriesResponse } },
} satisfies RouteShorthandOptions;

export const extractRoute = {
  config: MEMBER,
  bodyLimit,
  schema: {
    tags: ['ai'],
    summary: "Find a document's clauses by category",
    body: documentBody,
    response: { 200: extractResponse },
  },
} satisfies RouteShorthandOptions;

export const reviewRoute = {
  config: MEMBER,
  bodyLimit,
  schema: {
    tags: ['ai'],
    summary: 'Review a document against a playbook',
    body: reviewBody,
    response: { 200: reviewResponse },
  },
} satisfies RouteShorthandOptions;

export const summarizeRoute = {
  config: MEMBER,
  bodyLimit,
  schema: {
    tags: ['ai'],
    summary: 'Summarize a document with its own sentences',
    body: documentBody,
    response: { 200: summarizeResponse },
  },
} satisfies RouteShorthandOptions;

export const askRoute = {
  config: MEMBER,
  bodyLimit,
  schema: {
    tags: ['ai'],
    summary: 'Ask a question of documents; the answer quotes them (SSE with Accept: text/event-stream)',
    body: askBody,
    response: { 200: askResponse },
  },
} satisfies RouteShorthandOptions;

export const usageRoute = {
  config: ADMIN,
  schema: { tags: ['ai'], summary: "The organization's AI calls by day and tool", response: { 200: usageResponse } },
} satisfies RouteShorthandOptions;

export const getSettingsRoute = {
  config: MEMBER,
  schema: { tags: ['ai'], summary: "The organization's AI quotas", response: { 200: settingsResponse } },
} satisfies RouteShorthandOptions;

export const putSettingsRoute = {
  // Turning the review log on keeps what is otherwise never kept: a factor within 10 minutes.
  config: { access: { roles: ['org_admin' as const], recentFactorMs: RECENT_FACTOR.sensitive } },
  bodyLimit,
  schema: {
    tags: ['ai'],
    summary: "Set the organization's own daily AI quotas (null = the server default) and its review log",
    body: settingsBody,
    response: { 200: settingsResponse },
  },
} satisfies RouteShorthandOptions;

/** Where the organization's documents are sent, and with which key: a factor within 10 minutes. */
export const getProviderRoute = {
  config: ADMIN,
  schema: {
    tags: ['ai'],
    summary: "The organization's own AI provider (never its key)",
    response: { 200: providerResponse },
  },
} satisfies RouteShorthandOptions;

export const putProviderRoute = {
  config: { access: { roles: ['org_admin' as const], recentFactorMs: RECENT_FACTOR.sensitive } },
  bodyLimit,
  schema: {
    tags: ['ai'],
    summary: "Set the organization's own AI provider, base URL, model and API key (null = the server's)",
    body: providerBody,
    response: { 200: providerResponse },
  },
} satisfies RouteShorthandOptions;

export const reviewLogRoute = {
  config: ADMIN,
  schema: {
    tags: ['ai'],
    summary: 'The opt-in review log of AI inputs and outputs, decrypted for org_admins',
    response: { 200: reviewLogResponse },
  },
} satisfies RouteShorthandOptions;

export const createPlaybookRoute = {
  config: ADMIN,
  bodyLimit,
  schema: {
    tags: ['ai'],
    summary: 'Create a review playbook',
    body: playbookBody,
    response: { 201: z.object({ id: z.uuid() }) },
  },
} satisfies RouteShorthandOptions;

export const listPlaybooksRoute = {
  config: MEMBER,
  schema: {
    tags: ['ai'],
    summary: 'Review playbooks',
    response: { 200: z.object({ playbooks: z.array(playbookResponse) }) },
  },
} satisfies RouteShorthandOptions;

export const getPlaybookRoute = {
  config: MEMBER,
  schema: { tags: ['ai'], summary: 'One review playbook', params: playbookParams, response: { 200: playbookResponse } },
} satisfies RouteShorthandOptions;

export const putPlaybookRoute = {
  config: ADMIN,
  bodyLimit,
  schema: {
    tags: ['ai'],
    summary: 'Replace a review playbook',
    params: playbookParams,
    body: playbookBody,
    response: { 200: playbookResponse },
  },
} satisfies RouteShorthandOptions;

export const deletePlaybookRoute = {
  config: ADMIN,
  schema: { tags: ['ai'], summary: 'Delete a review playbook', params: playbookParams },
} satisfies RouteShorthandOptions;

/*
 * The same four tools on case documents of the judicial store: judge portal routes (a lawyer's
 * token gets 403 PORTAL_FORBIDDEN; the judicial rate tier), for a case's judge and its clerks.
 * The case's own rules decide which document the caller may read (another judge's → 404).
 */
const JUDICIAL = { access: { portal: 'judge' as const, roles: ['judge' as const, 'clerk' as const] } };
const judicialTags = ['ai', 'judicial'];
const onCaseDocuments = <R extends { schema: object }>(route: R, summary: string) => ({
  ...route,
  config: JUDICIAL,
  schema: { ...route.schema, tags: judicialTags, summary },
});

export const judicialExtractRoute = onCaseDocuments(
  extractRoute,
  "Find a case document's clauses by category",
) satisfies RouteShorthandOptions;
export const judicialReviewRoute = onCaseDocuments(
  reviewRoute,
  'Review a case document against a playbook',
) satisfies RouteShorthandOptions;
export const judicialSummarizeRoute = onCaseDocuments(
  summarizeRoute,
  'Summarize a case document with its own sentences',
) satisfies RouteShorthandOptions;
export const judicialAskRoute = onCaseDocuments(
  askRoute,
  'Ask a question of case documents; the answer quotes them (SSE with Accept: text/event-stream)',
) satisfies RouteShorthandOptions;
