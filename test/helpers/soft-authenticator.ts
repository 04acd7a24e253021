import crypto from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64url = (b: Uint8Array | Buffer) => Buffer.from(b).toString('base64url');

/**
 * A software WebAuthn authenticator for tests: an EC P-256 key per credential,
 * "none" attestation, user presence and verification flags, a signature counter.
 * It builds the bytes a browser would hand to the server, following WebAuthn L2 §6.
 */
export class SoftAuthenticator {
  private readonly credentials = new Map<
    string,
    { key: crypto.KeyObject; userHandle: string; counter: number; rpId: string }
  >();

  constructor(readonly origin: string) {}

  get rpId(): string {
    return new URL(this.origin).hostname;
  }

  private authData(rpId: string, flags: number, counter: number, attested?: Buffer): Buffer {
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    return Buffer.concat([
      crypto.createHash('sha256').update(rpId).digest(),
      Buffer.from([flags]),
      counterBytes,
      attested ?? Buffer.alloc(0),
    ]);
  }

  /** navigator.credentials.create() */
  create(
    options: { challenge: string; rp: { id?: string }; user: { id: string } },
    opts: { userVerified?: boolean; origin?: string } = {},
  ) {
    const rpId = options.rp.id ?? this.rpId;
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const credentialId = crypto.randomBytes(16);
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLen, credentialId, Buffer.from(cose)]);
    const flags = 0x01 | (opts.userVerified === false ? 0 : 0x04) | 0x40;
    const authData = this.authData(rpId, flags, 0, attested);
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]) as never,
    );
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: 'webauthn.create',
        challenge: options.challenge,
        origin: opts.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
    this.credentials.set(b64url(credentialId), { key: privateKey, userHandle: options.user.id, counter: 0, rpId });
    return {
      id: b64url(credentialId),
      rawId: b64url(credentialId),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }

  /** navigator.credentials.get(); picks the first allowed credential it holds, or any (discoverable). */
  get(
    options: { challenge: string; rpId?: string; allowCredentials?: Array<{ id: string }> },
    opts: { userVerified?: boolean; origin?: string; credentialId?: string } = {},
  ) {
    const allowed = options.allowCredentials?.map((c) => c.id);
    const id =
      opts.credentialId ??
      [...this.credentials.keys()].find((k) => !allowed || allowed.length === 0 || allowed.includes(k));
    const cred = id ? this.credentials.get(id) : undefined;
    if (!id || !cred) throw new Error('no matching credential');
    cred.counter += 1;
    const flags = 0x01 | (opts.userVerified === false ? 0 : 0x04);
    const authData = this.authData(options.rpId ?? cred.rpId, flags, cred.counter);
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: 'webauthn.get',
        challenge: options.challenge,
        origin: opts.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
    const signature = crypto.sign(
      'sha256',
      Buffer.concat([authData, crypto.createHash('sha256').update(clientDataJSON).digest()]),
      cred.key,
    );
    return {
      id,
      rawId: id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: cred.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }
}
