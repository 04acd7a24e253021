import type { ServerOptions } from 'node:http';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import type { Config } from '../platform/config.ts';

/**
 * TLS 1.2 and 1.3 only, and on TLS 1.2 only ECDHE key exchange with AEAD ciphers
 * (forward secrecy, no CBC, no RSA key transport); the server's order wins, so a
 * client cannot talk us down to its weakest shared choice. TLS 1.3 suites are all AEAD.
 */
export const TLS_POLICY: TlsOptions & SecureContextOptions = {
  minVersion: 'TLSv1.2',
  ciphers: [
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
    'TLS_AES_128_GCM_SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
  ].join(':'),
  honorCipherOrder: true,
  ecdhCurve: 'X25519:prime256v1:secp384r1',
};

/** Node's own limits on slow clients; checked every second so a stalled socket is freed promptly. */
export function serverTimeouts(
  config: Config,
): Pick<ServerOptions, 'headersTimeout' | 'requestTimeout' | 'connectionsCheckingInterval'> {
  return {
    headersTimeout: config.httpTimeouts.headersMs,
    requestTimeout: config.httpTimeouts.requestMs,
    connectionsCheckingInterval: 1_000,
  };
}
