// Electronic signature, as the lawyer's pages read it (hand-written until the lead regenerates schema.d.ts;
// the server's shapes are in src/signatures/signatures.schemas.ts).

export type EnvelopeStatus = 'draft' | 'sent' | 'completed' | 'declined' | 'voided' | 'expired';
export type RecipientRole = 'signer' | 'approver' | 'viewer';
export type FieldType = 'signature' | 'initials' | 'date' | 'text' | 'checkbox';

export type EnvelopeRecipient = {
  id: string;
  name: string;
  email: string;
  role: RecipientRole;
  position: number;
  status: 'waiting' | 'sent' | 'viewed' | 'signed' | 'declined';
  signedAt: string | null;
  declinedAt: string | null;
  declineReason: string | null;
};

export type Envelope = {
  id: string;
  title: string;
  documentId: string;
  status: EnvelopeStatus;
  /** 'delayed' while no time-stamp authority answers: signed by everyone, not sealed yet. */
  sealing: 'pending' | 'delayed' | 'done' | null;
  order: 'sequential' | 'parallel';
  finalSha256: string | null;
  expiresAt: string;
  createdAt: string;
  recipients: EnvelopeRecipient[];
};

export type EnvelopeList = { envelopes: Envelope[] };

export type NewRecipient = { name: string; email: string; role: RecipientRole };
export type NewField = {
  recipient: number;
  type: FieldType;
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
  required: boolean;
};
