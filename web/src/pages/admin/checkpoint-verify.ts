import type { AuditPublicKey, Checkpoint } from '../../api/types.ts';

const fromBase64 = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

/**
 * Checks the checkpoint's Ed25519 signature over its signed-note body with the
 * browser's own WebCrypto, so the page does not have to take the server's word.
 * Returns null where the browser has no Ed25519.
 */
export async function verifyCheckpointInBrowser(cp: Checkpoint, key: AuditPublicKey): Promise<boolean | null> {
  if (!crypto.subtle) return null;
  let publicKey: CryptoKey;
  try {
    publicKey = await crypto.subtle.importKey('raw', fromBase64(key.publicKey), { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return null;
  }
  const expectedNote = `${cp.origin}\n${cp.treeSize}\n${cp.rootHash}\n`;
  // The note we verify must say what the page shows (a pruned checkpoint adds one line).
  if (!cp.note.startsWith(expectedNote)) return false;
  return crypto.subtle.verify(
    { name: 'Ed25519' },
    publicKey,
    fromBase64(cp.signature),
    new TextEncoder().encode(cp.note),
  );
}
