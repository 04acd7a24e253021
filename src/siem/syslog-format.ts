import type { SealedEventFields } from '../audit/index.ts';

/** RFC 5424 facility 13, "log audit". */
const FACILITY_LOG_AUDIT = 13;
const SEVERITY = { success: 6, failure: 5, denied: 4 } as const; // informational, notice, warning
/** Private Enterprise Number 32473 is the one RFC 5612 reserves for documentation and examples. */
const SD_ID = 'chambers@32473';

const printable = (s: string, max: number) => s.replace(/[^\x21-\x7e]/g, '_').slice(0, max) || '-';
const sdValue = (s: string) => s.replace(/[\\\]"]/g, (c) => `\\${c}`);

/** One event as an RFC 5424 message: header, structured data (seq, outcome, org), the event as JSON in MSG. */
export function syslogMessage(e: SealedEventFields, hostname: string): string {
  const severity = SEVERITY[e.outcome as keyof typeof SEVERITY] ?? 5;
  const pri = FACILITY_LOG_AUDIT * 8 + severity;
  const sd = `[${SD_ID} seq="${e.seq}" outcome="${sdValue(e.outcome)}" org="${sdValue(e.orgId ?? '-')}"]`;
  return `<${pri}>1 ${e.at} ${printable(hostname, 255)} chambers - ${printable(e.action, 32)} ${sd} ${JSON.stringify(e)}`;
}

/** RFC 6587 §3.4.1 / RFC 5425 §4.3 octet-counting framing: "<length in bytes> <message>". */
export function octetCountedFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/** Splits an octet-counted stream into messages; returns the messages and the unconsumed rest. */
export function parseOctetCounted(buf: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let at = 0;
  for (;;) {
    const space = buf.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(buf.subarray(at, space).toString('ascii'));
    if (!Number.isSafeInteger(len) || len <= 0) throw new Error('not an octet-counted syslog stream');
    if (buf.length < space + 1 + len) break;
    messages.push(buf.subarray(space + 1, space + 1 + len).toString('utf8'));
    at = space + 1 + len;
  }
  return { messages, rest: buf.subarray(at) };
}
