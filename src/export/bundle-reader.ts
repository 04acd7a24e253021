/**
 * Reads an audit bundle file for `chambers audit verify <file>` without loading
 * it whole: a format-2 bundle as written by the export (a line per event) is
 * hashed line by line, so memory stays at 40 bytes per event. Any other layout
 * of the same JSON (re-indented by another tool) and format-1 bundles are
 * parsed whole instead.
 */
import fs from 'node:fs';
import { BUNDLE_FORMAT_V2, BundleV2Verifier, failedVerdict, type BundleVerdict } from './bundle-v2.ts';
import { verifyBundle } from './verify-bundle.ts';

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const HEADER_START = `{"format":"${BUNDLE_FORMAT_V2}"`;
const SEQ_KEY = Buffer.from('"seq":');

/**
 * The top-level seq of a canonical event line, read from the bytes without parsing the line:
 * in canonical JSON `seq` is followed only by `target` and `userAgent` (strings or null, where
 * a quote is always escaped), so the last `"seq":` is the top-level one. Nothing rests on it
 * but placing the line in its run: the line's bytes themselves are what the proof checks.
 */
function seqOf(line: Buffer): number | null {
  const at = line.lastIndexOf(SEQ_KEY);
  if (at < 0 || line[0] !== 0x7b /* { */) return null;
  let n = 0;
  let digits = 0;
  for (let i = at + SEQ_KEY.length; i < line.length; i++) {
    const c = line[i]!;
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
    digits++;
  }
  return digits > 0 && digits <= 15 ? n : null;
}
const HEADER_END = '"events":[';

/** Splits a byte stream into lines (without the newline), across chunk boundaries. */
async function* lines(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let rest: Buffer | null = null;
  for await (const chunk of input) {
    let data: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    let from = 0;
    for (let nl = data.indexOf(NEWLINE, from); nl !== -1; nl = data.indexOf(NEWLINE, from)) {
      yield data.subarray(from, nl);
      from = nl + 1;
    }
    data = data.subarray(from);
    rest = data.length > 0 ? Buffer.from(data) : null;
  }
  if (rest) yield rest;
}

export async function verifyBundleStream(input: AsyncIterable<Buffer>): Promise<BundleVerdict> {
  const it = lines(input);
  const first = await it.next();
  const head = first.done ? '' : first.value.toString('utf8');
  if (!head.startsWith(HEADER_START) || !head.endsWith(HEADER_END)) return verifyWhole(head, it);
  let header: unknown;
  try {
    header = JSON.parse(`${head}]}`);
  } catch {
    return failedVerdict(null, 'the bundle header is not valid JSON');
  }
  const v = new BundleV2Verifier(header);
  if (!v.usable) return v.finish([]);
  for await (const line of it) {
    if (line.length === 0) continue;
    if (line[0] === 0x5d /* ] */) return finishWith(v, line);
    const bytes = line[line.length - 1] === COMMA ? line.subarray(0, line.length - 1) : line;
    const index = v.count;
    const seq = seqOf(bytes);
    if (seq === null) return failedVerdict(index, `event ${index}: not an event with a seq`, index);
    v.addEventBytes(bytes, seq);
  }
  return failedVerdict(null, 'the bundle ends before its proofs (truncated?)', v.count);
}

function finishWith(v: BundleV2Verifier, trailer: Buffer): BundleVerdict {
  // `],"proofs":[…]}` closes the events array and the document.
  let proofs: unknown;
  try {
    proofs = (JSON.parse(`{${trailer.subarray(2).toString('utf8')}`) as { proofs?: unknown }).proofs;
  } catch {
    return failedVerdict(null, 'the bundle trailer (its proofs) is not valid JSON', v.count);
  }
  return v.finish(proofs);
}

async function verifyWhole(head: string, rest: AsyncIterable<Buffer>): Promise<BundleVerdict> {
  const parts: Buffer[] = [Buffer.from(head, 'utf8')];
  for await (const line of rest) parts.push(Buffer.from('\n'), line);
  let bundle: unknown;
  try {
    bundle = JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch (err) {
    return failedVerdict(null, `not a JSON document: ${(err as Error).message.slice(0, 200)}`);
  }
  return verifyBundle(bundle);
}

export const verifyBundleFileStream = (file: string): Promise<BundleVerdict> =>
  verifyBundleStream(fs.createReadStream(file, { highWaterMark: 1 << 20 }));
