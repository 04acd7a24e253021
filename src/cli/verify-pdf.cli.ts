import fs from 'node:fs';
import { pemToDer, verifyPdf } from '../signatures/index.ts';

/**
 * `chambers verify-pdf <file> [--root <pem>]…`: the same strict verdict as POST /api/v1/verify,
 * offline. Trust anchors are the root certificates given with --root (download one with
 * GET /api/v1/signing/certificate, `chainPem`); without any, the chain is reported untrusted.
 * Prints the verdict as JSON; returns 0 only when valid.
 */
export async function runVerifyPdf(args: string[], out: (line: string) => void): Promise<number> {
  const roots: Uint8Array[] = [];
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--root') {
      const pem = args[++i];
      if (!pem) return usage(out);
      roots.push(...pemToDer(fs.readFileSync(pem, 'utf8')));
    } else if (a && !a.startsWith('--') && !file) file = a;
    else return usage(out);
  }
  if (!file) return usage(out);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    out(`cannot read ${file}: ${(err as Error).message}`);
    return 2;
  }
  const v = await verifyPdf(bytes, { trustedRoots: roots });
  out(
    JSON.stringify(
      {
        verdict: v.verdict,
        reasons: v.reasons,
        signedAt: v.signedAt,
        sealedBy: v.sealedBy,
        timestamp: v.timestamp,
        envelopeId: v.envelopeId,
        // Offline: whether Chambers sealed this exact file is known only to the server (POST /api/v1/verify).
        knownToChambers: null,
        sha256: v.sha256,
      },
      null,
      2,
    ),
  );
  return v.verdict === 'valid' ? 0 : 1;
}

function usage(out: (line: string) => void): number {
  out('usage: chambers verify-pdf <file.pdf> [--root <root-ca.pem>]...');
  return 2;
}
