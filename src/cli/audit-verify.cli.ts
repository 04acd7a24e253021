import { type BundleVerdict, verifyBundleFileStream } from '../export/index.ts';

/** `chambers audit verify <bundle.json>`: offline, no database. Returns the exit code. */
export async function verifyBundleFile(file: string, out: (line: string) => void): Promise<number> {
  let v: BundleVerdict;
  try {
    v = await verifyBundleFileStream(file);
  } catch (err) {
    out(`cannot read ${file}: ${(err as Error).message}`);
    return 1;
  }
  if (v.ok) {
    out(`OK: ${v.checked} events verified against the signed checkpoint`);
    return 0;
  }
  out(`FAILED${v.firstBadIndex === null ? '' : ` at index ${v.firstBadIndex}`}: ${v.problems.join('; ')}`);
  return 1;
}
