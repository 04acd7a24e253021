import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { clientResponse, contactResponse, idParams } from './clients.schemas.ts';

/** What an administrator types to erase a client's personal data: the act cannot be taken back. */
export const CLIENT_ERASURE_PHRASE = 'ERASE';
export const eraseClientBody = z.strictObject({ confirmation: z.literal(CLIENT_ERASURE_PHRASE) });

/** A matter the client is the client of record of, or a party to (as far as the caller sees it). */
const exportMatter = z.object({
  matterId: z.uuid(),
  title: z.string(),
  reference: z.string().nullable(),
  clientName: z.string().nullable(),
  status: z.string(),
  /** The matter names this client as its client (`clientId`). */
  clientOfRecord: z.boolean(),
  /** The roles of the client's party rows on the matter. */
  partyRoles: z.array(z.string()),
});

const exportParty = z.object({
  id: z.uuid(),
  /** null for a party of a matter behind an ethical wall the caller is not admitted to (as in the conflict check). */
  matterId: z.uuid().nullable(),
  name: z.string(),
  role: z.string(),
  /** true: the row is linked to the client; false: only its name is the same (folded), maybe someone else. */
  linked: z.boolean(),
  createdAt: z.string(),
});

/** Art. 15: everything the firm holds about one client, as one JSON document. */
export const clientExportResponse = z.object({
  format: z.literal('chambers.client-personal-data/1'),
  exportedAt: z.string(),
  client: clientResponse,
  contacts: z.array(contactResponse),
  matters: z.array(exportMatter),
  parties: z.array(exportParty),
  /** Matters of the client's party rows behind ethical walls the caller is not admitted to. */
  withheldMatters: z.number().int(),
  /**
   * How the firm processed the record (org_admin only, null for others): the audit events about it
   * (action, time, outcome) and the searches and conflict checks made for exactly its name (matched
   * by the keyed hash the log keeps, never by words).
   */
  processing: z
    .object({
      events: z.array(z.object({ at: z.string(), action: z.string(), outcome: z.string() })),
      searchesForName: z.number().int(),
      conflictChecksForName: z.number().int(),
    })
    .nullable(),
});
export type ClientExport = z.infer<typeof clientExportResponse>;
export type ClientProcessing = NonNullable<ClientExport['processing']>;

export const eraseClientResponse = z.object({
  status: z.literal('erased'),
  /** The name the client's records now carry. */
  pseudonym: z.string(),
  contactsRemoved: z.number().int(),
  partiesPseudonymized: z.number().int(),
  mattersPseudonymized: z.number().int(),
  /** Left for a person to review: free text erasure does not rewrite (party rows only named alike, matter titles). */
  review: z.object({ unlinkedParties: z.number().int(), matterTitles: z.number().int() }),
});
export type ClientErasure = z.infer<typeof eraseClientResponse>;

const tags = ['clients'];

export const exportClientRoute = {
  config: { access: { portal: 'lawyer' as const, roles: ['org_admin' as const, 'lawyer' as const] } },
  schema: {
    tags,
    summary: "A client's personal data, for a data subject's access request (GDPR Art. 15), as a JSON download",
    params: idParams,
    response: { 200: clientExportResponse },
  },
} satisfies RouteShorthandOptions;

export const eraseClientRoute = {
  // Cannot be taken back: an administrator with a second factor within 10 minutes.
  config: { access: { portal: 'lawyer' as const, roles: ['org_admin' as const], destructive: true } },
  schema: {
    tags,
    summary:
      "Erase a client's personal data (GDPR Art. 17): name and contact details become a pseudonym on every record the firm keeps",
    params: idParams,
    body: eraseClientBody,
    response: { 200: eraseClientResponse },
  },
} satisfies RouteShorthandOptions;
