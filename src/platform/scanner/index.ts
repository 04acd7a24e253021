/**
 * The clamd INSTREAM malware scanner.
 * The module's public face: other modules import from here, never from its files.
 */
export { createClamdScanner, type Scanner, ScannerUnavailableError } from './clamd-scanner.ts';
