import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

const uuid = () => z.uuid({ message: 'must be a UUID' });
export const idParams = z.strictObject({ id: uuid() });

const name = z.string().trim().min(1).max(300);
const email = z.email().max(254);
const phone = z
  .string()
  .trim()
  .min(3)
  .max(50)
  .regex(/^[0-9+()./ -]+$/, 'digits, spaces and + ( ) . / - only');

export const createClientBody = z.strictObject({
  kind: z.enum(['person', 'company']),
  name,
  email: email.optional(),
  phone: phone.optional(),
  address: z.string().trim().min(1).max(1000).optional(),
});
export type CreateClientInput = z.infer<typeof createClientBody>;

export const updateClientBody = z
  .strictObject({
    kind: z.enum(['person', 'company']).optional(),
    name: name.optional(),
    email: email.nullable().optional(),
    phone: phone.nullable().optional(),
    address: z.string().trim().min(1).max(1000).nullable().optional(),
    /** A former client stays on file: the conflict check still finds it. */
    status: z.enum(['active', 'former']).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
export type UpdateClientInput = z.infer<typeof updateClientBody>;

export const listClientsQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

export const createContactBody = z.strictObject({
  name,
  role: z.string().trim().min(1).max(100).optional(),
  email: email.optional(),
  phone: phone.optional(),
});
export type CreateContactInput = z.infer<typeof createContactBody>;
export const contactParams = z.strictObject({ id: uuid(), contactId: uuid() });

export const createPartyBody = z.strictObject({
  name,
  /** What the party is to the matter: client, opposing party, opposing counsel, witness… */
  role: z.string().trim().min(1).max(50),
  /** When the party is one of the firm's clients. */
  clientId: uuid().optional(),
});
export type CreatePartyInput = z.infer<typeof createPartyBody>;

export const conflictCheckBody = z.strictObject({
  names: z.array(z.string().trim().min(1).max(300)).min(1).max(50),
  /** The matter being opened, when the check is made for one: the audit event then names it. */
  matterId: uuid().optional(),
});
export type ConflictCheckInput = z.infer<typeof conflictCheckBody>;

export const contactResponse = z.object({
  id: z.uuid(),
  clientId: z.uuid(),
  name: z.string(),
  role: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  createdAt: z.string(),
});
export type ContactView = z.infer<typeof contactResponse>;

export const clientMatterResponse = z.object({ matterId: z.uuid(), title: z.string(), role: z.string() });

export const clientResponse = z.object({
  id: z.uuid(),
  kind: z.enum(['person', 'company']),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  status: z.enum(['active', 'former']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ClientView = z.infer<typeof clientResponse>;
/** One client with its contacts and the matters it is a party to (those the caller may see). */
export const clientDetailResponse = clientResponse.extend({
  contacts: z.array(contactResponse),
  matters: z.array(clientMatterResponse),
});
export type ClientDetailView = z.infer<typeof clientDetailResponse>;
export const clientListResponse = z.object({ clients: z.array(clientResponse) });

export const partyResponse = z.object({
  id: z.uuid(),
  matterId: z.uuid(),
  clientId: z.uuid().nullable(),
  name: z.string(),
  role: z.string(),
  createdAt: z.string(),
});
export type PartyView = z.infer<typeof partyResponse>;
export const partyListResponse = z.object({ parties: z.array(partyResponse) });

export const conflictHit = z.object({
  name: z.string(),
  matchedName: z.string(),
  kind: z.enum(['client', 'party']),
  /** null for a client hit, and for a party of a matter behind an ethical wall the caller is not admitted to. */
  matterId: z.uuid().nullable(),
  clientId: z.uuid().nullable(),
  /** 1 for the same name (accents and case aside); below 1 for a near match. */
  score: z.number(),
  /** The client's status, for client hits: a former client is still a conflict to weigh. */
  former: z.boolean(),
});
export type ConflictHit = z.infer<typeof conflictHit>;
export const conflictCheckResponse = z.object({ hits: z.array(conflictHit) });

/*
 * Route options: each route's access declaration and OpenAPI schema, named after what it does; the routes file maps paths to handlers.
 * `satisfies RouteShorthandOptions` checks the shape without widening it, so the zod types still type request.body/params/query.
 */
const READ = { access: { portal: 'lawyer' as const } };
const WRITE = { access: { portal: 'lawyer' as const, roles: ['org_admin' as const, 'lawyer' as const] } };
const tags = ['clients'];

export const createClientRoute = {
  config: WRITE,
  schema: { tags, summary: 'Add a client', body: createClientBody, response: { 201: clientResponse } },
} satisfies RouteShorthandOptions;

export const listClientsRoute = {
  config: READ,
  schema: {
    tags,
    summary: 'List and search clients (accent- and case-insensitive)',
    querystring: listClientsQuery,
    response: { 200: clientListResponse },
  },
} satisfies RouteShorthandOptions;

export const getClientRoute = {
  config: READ,
  schema: {
    tags,
    summary: 'One client, its contacts and its matters',
    params: idParams,
    response: { 200: clientDetailResponse },
  },
} satisfies RouteShorthandOptions;

export const updateClientRoute = {
  config: WRITE,
  schema: {
    tags,
    summary: 'Change a client, or mark it a former client',
    params: idParams,
    body: updateClientBody,
    response: { 200: clientResponse },
  },
} satisfies RouteShorthandOptions;

export const createContactRoute = {
  config: WRITE,
  schema: {
    tags,
    summary: 'Add a contact person to a client',
    params: idParams,
    body: createContactBody,
    response: { 201: contactResponse },
  },
} satisfies RouteShorthandOptions;

export const deleteContactRoute = {
  config: WRITE,
  schema: { tags, summary: 'Remove a contact person', params: contactParams },
} satisfies RouteShorthandOptions;

export const createPartyRoute = {
  config: WRITE,
  schema: {
    tags,
    summary: 'Add a party to a matter',
    params: idParams,
    body: createPartyBody,
    response: { 201: partyResponse },
  },
} satisfies RouteShorthandOptions;

export const listPartiesRoute = {
  config: READ,
  schema: { tags, summary: "A matter's parties", params: idParams, response: { 200: partyListResponse } },
} satisfies RouteShorthandOptions;

export const conflictCheckRoute = {
  config: WRITE,
  schema: {
    tags,
    summary: 'Search names against every client, former client and party of the firm',
    body: conflictCheckBody,
    response: { 200: conflictCheckResponse },
  },
} satisfies RouteShorthandOptions;
