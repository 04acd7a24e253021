/**
 * The signer's calls. Not the app's API client: a signer has no account, so nothing here
 * sends cookies (credentials: 'omit') or tries a session refresh; the link's token is the credential.
 */
export type SignerField = {
  id: string;
  type: 'signature' | 'initials' | 'date' | 'text' | 'checkbox';
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
  required: boolean;
};

export type SignerView = {
  envelope: { title: string; organization: string; message: string | null };
  recipient: { name: string; email: string; role: 'signer' | 'approver' | 'viewer' };
  disclosure: { version: string; text: string; sha256: string };
  fields: SignerField[];
  consented: boolean;
  status: 'waiting' | 'sent' | 'viewed' | 'signed' | 'declined';
};

export class SignerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

/** What a signer is told for each refusal: plain words, never a code. */
export function signerMessage(err: unknown): string {
  if (!(err instanceof SignerError)) return 'Something went wrong. Check your connection and try again.';
  switch (err.code) {
    case 'ENVELOPE_CLOSED':
      return 'This signing link is no longer valid: the document was completed, declined, withdrawn or has expired.';
    case 'NOT_FOUND':
      return 'This signing link is not valid. Open the link from your email again, or ask the sender for a new one.';
    case 'NOT_YOUR_TURN':
      return 'Another person must act on this document first. You will receive an email when it is your turn.';
    case 'CONSENT_REQUIRED':
      return 'Accept the electronic records disclosure first.';
    case 'DISCLOSURE_OUTDATED':
      return 'The disclosure changed. Reload the page, read it and accept it again.';
    case 'FIELD_REQUIRED':
      return 'Fill in every required field.';
    case 'SIGNATURE_REQUIRED':
      return 'Sign first: type your name or draw your signature.';
    case 'SIGNATURE_INVALID':
      return 'The drawn signature could not be read. Clear it and draw it again.';
    case 'RATE_LIMITED':
      return 'Too many attempts. Wait a minute and try again.';
    default:
      return 'The request could not be completed. Try again later.';
  }
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
  const res = await fetch(path, {
    method,
    credentials: 'omit',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    let code = res.status === 429 ? 'RATE_LIMITED' : `HTTP_${res.status}`;
    try {
      code = ((await res.json()) as { code?: string }).code ?? code;
    } catch {
      /* not JSON */
    }
    throw new SignerError(res.status, code);
  }
  return res;
}

const base = (token: string) => `/api/v1/sign/${encodeURIComponent(token)}`;

export const signerApi = {
  view: async (token: string) => (await call('GET', base(token))).json() as Promise<SignerView>,
  document: async (token: string) => (await call('GET', `${base(token)}/document`)).arrayBuffer(),
  consent: async (token: string, disclosureVersion: string) => {
    await call('POST', `${base(token)}/consent`, { disclosureVersion });
  },
  complete: async (
    token: string,
    body: {
      fields: Array<{ id: string; value: string | boolean }>;
      signature?: { kind: 'typed' | 'drawn'; value: string };
    },
  ) => {
    await call('POST', `${base(token)}/complete`, body);
  },
  decline: async (token: string, reason: string) => {
    await call('POST', `${base(token)}/decline`, { reason });
  },
};
