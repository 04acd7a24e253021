import crypto from 'node:crypto';
import * as pkijs from 'pkijs';

/**
 * Node's WebCrypto as a pkijs engine, passed explicitly to every pkijs call that computes.
 * pkijs keeps its default engine in a process-wide slot that @libpdf/core replaces with its
 * own (whose digest() mishandles algorithm names given as strings), so nothing here relies
 * on the default.
 */
export const pkiEngine = new pkijs.CryptoEngine({
  name: 'chambers-node',
  crypto: crypto.webcrypto as unknown as Crypto,
});
