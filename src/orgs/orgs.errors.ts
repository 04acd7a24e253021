import type { ErrorTable } from '../platform/errors.ts';

/** Why an administrator's change to the members or invitations of an organization was refused. */
export const ORG_ERRORS = {
  LAST_ADMIN: {
    status: 409,
    title: 'An organization keeps at least one active org_admin; make another member org_admin first',
  },
  INVITATION_ACCEPTED: {
    status: 409,
    title: 'The invitation was already accepted; remove the member instead',
  },
} as const satisfies ErrorTable;

type OrgErrors = typeof ORG_ERRORS;
declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges this table's codes into ErrorCode
  interface ErrorCatalog extends OrgErrors {}
}
