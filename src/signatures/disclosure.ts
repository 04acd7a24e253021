import { sha256Hex } from './box.ts';

/**
 * The electronic-records disclosure a signer accepts before signing. Versioned: a change
 * of text is a new version, and the evidence names the version and the SHA-256 of its
 * exact text, so what a signer agreed to can be shown years later.
 */
export const DISCLOSURE_VERSION = '2025-01';

export const DISCLOSURE_TEXT = [
  'Electronic records and signature disclosure',
  '',
  'By continuing you agree to receive this document electronically and to sign it electronically.',
  'Your electronic signature has the same effect as your handwritten signature.',
  'Each step you take (opening the document, accepting this disclosure, signing or declining) is recorded',
  'with its time, your IP address and your browser, and this record is sealed into the final document.',
  'You may decline to sign electronically: use "Decline" and give a reason; the sender is informed.',
  'You may ask the sender for a paper copy of the document at no cost.',
].join('\n');

export const DISCLOSURE_SHA256 = sha256Hex(DISCLOSURE_TEXT);

export const currentDisclosure = () => ({
  version: DISCLOSURE_VERSION,
  text: DISCLOSURE_TEXT,
  sha256: DISCLOSURE_SHA256,
});
