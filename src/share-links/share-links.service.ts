import crypto from 'node:crypto';
import type { AppContext } from '../context/index.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../accounts/index.ts';
import { liveDocument, type Download, openPlaintext } from '../documents/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { Tx } from '../platform/db/index.ts';
import * as repo from './share-links.repository.ts';

/** Wrong passcodes before a link locks for good. */
export const PASSCODE_ATTEMPTS = 5;

const hashToken = (token: string): string => crypto.createHash('sha256').update(token, 'utf8').digest('hex');
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

type Actor = { orgId: string; userId: string };

/** A link's secrets, made before its transaction opens: argon2 is slow on purpose and must not hold one. */
export type NewShareLink = { token: string; passcodeHash: string | null; expiresAt: Date };

/** A new link: 256 random bits, shown once in the URL, stored only as its SHA-256. */
export async function prepareShareLink(
  ctx: AppContext,
  input: { expiresInDays: number; passcode?: string },
): Promise<NewShareLink> {
  const token = crypto.randomBytes(32).toString('base64url');
  const passcodeHash = input.passcode ? await hashPassword(input.passcode) : null;
  return { token, passcodeHash, expiresAt: new Date(ctx.clock.now().getTime() + input.expiresInDays * 86_400_000) };
}

export async function createShareLink(tx: Tx, ctx: AppContext, actor: Actor, documentId: string, link: NewShareLink) {
  await liveDocument(tx, documentId);
  const id = await repo.insertShareLink(tx, {
    orgId: actor.orgId,
    documentId,
    tokenHash: hashToken(link.token),
    passcodeHash: link.passcodeHash,
    expiresAt: link.expiresAt,
    createdBy: actor.userId,
  });
  return { id, url: `${ctx.config.publicUrl}/s/${link.token}`, expiresAt: link.expiresAt.toISOString() };
}

export async function listShareLinks(tx: Tx, documentId: string) {
  await liveDocument(tx, documentId);
  return (await repo.listShareLinks(tx, documentId)).map((l) => ({
    id: l.id,
    documentId: l.document_id,
    expiresAt: new Date(l.expires_at).toISOString(),
    revokedAt: l.revoked_at ? new Date(l.revoked_at).toISOString() : null,
    locked: l.locked_at !== null,
    hasPasscode: l.has_passcode,
    createdBy: l.created_by,
    createdAt: new Date(l.created_at).toISOString(),
  }));
}

export async function revokeShareLink(tx: Tx, id: string): Promise<{ documentId: string }> {
  const revoked = await repo.revokeShareLink(tx, id);
  if (!revoked) throw notFound();
  return revoked;
}

export type ShareAccess = { linkId: string | null; orgId: string | null };

/**
 * Opens what a link shares, for someone without an account. Unknown, expired, revoked
 * links and deleted documents all answer 404 alike; a passcode link needs its passcode,
 * and the fifth wrong one locks it. `seen` learns which link was asked for (for the audit).
 */
/** A shared document and what its recipient is told: who shared it and until when the link works. */
export type SharedDownload = Download & { sharedBy: { name: string; organization: string }; expiresAt: Date };

export async function openSharedDocument(
  ctx: AppContext,
  token: string,
  passcode: string | null,
  seen: (a: ShareAccess) => void,
): Promise<SharedDownload> {
  if (!TOKEN_FORMAT.test(token)) throw notFound();
  const link = await repo.unsafeFindSharedDocument(ctx.db, hashToken(token));
  if (!link) throw notFound();
  seen({ linkId: link.link_id, orgId: link.org_id });
  if (link.revoked_at || link.deleted_at || !link.wrapped_data_key || new Date(link.expires_at) <= ctx.clock.now())
    throw notFound();
  if (link.locked_at) throw new AppError('SHARE_LINK_LOCKED');
  if (link.passcode_hash) {
    if (passcode === null) throw new AppError('SHARE_PASSCODE_REQUIRED');
    if (!(await verifyPassword(link.passcode_hash, passcode))) {
      const failures = await repo.unsafeRecordPasscodeFailure(ctx.db, link.link_id, PASSCODE_ATTEMPTS);
      if (failures >= PASSCODE_ATTEMPTS) throw new AppError('SHARE_LINK_LOCKED');
      throw new AppError('SHARE_PASSCODE_INVALID', undefined, { body: { attemptsLeft: PASSCODE_ATTEMPTS - failures } });
    }
  } else if (passcode !== null) {
    // Same cost whether or not the link has a passcode, so timing does not tell.
    await verifyAgainstDummy(passcode);
  }
  const sealed = {
    id: link.id,
    org_id: link.org_id,
    blob_key: link.blob_key,
    wrapped_data_key: link.wrapped_data_key,
    org_key_version: link.org_key_version,
    size: link.size,
    sha256: link.sha256,
  };
  const dataKey = await repo.unsafeWithSharedOrg(ctx.db, (tx) =>
    ctx.orgKeyring.unwrapDataKey(tx, link.org_id, link.wrapped_data_key!, link.org_key_version),
  );
  return {
    sharedBy: { name: link.shared_by_name, organization: link.shared_by_org },
    expiresAt: new Date(link.expires_at),
    name: link.version_name ?? link.document_name ?? 'document',
    contentType: link.content_type,
    size: Number(link.size),
    body: await openPlaintext(ctx, sealed, dataKey),
    version: 0,
  };
}
