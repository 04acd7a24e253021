import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { certificateSerial } from './seal-keys.ts';

describe('the seal certificate serial number', () => {
  it('is a minimal, positive DER INTEGER of at least 120 random bits, every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const serial = certificateSerial();
      expect(serial.length).toBe(16);
      // DER: no leading 0x00 unless the next byte has its top bit set, and the sign bit clear (positive).
      expect(serial[0]).toBeGreaterThanOrEqual(0x01);
      expect(serial[0]).toBeLessThan(0x80);
      const der = new asn1js.Integer({
        valueHex: serial.buffer.slice(serial.byteOffset, serial.byteOffset + 16),
      }).toBER();
      const parsed = asn1js.fromBER(der);
      expect(parsed.offset).not.toBe(-1);
      // OpenSSL's rule (a_int.c, c2i_ibuf): re-encoding must give the same bytes.
      expect(Buffer.from(der).subarray(2).equals(serial)).toBe(true);
      seen.add(serial.toString('hex'));
    }
    expect(seen.size).toBe(20_000);
  });
});
