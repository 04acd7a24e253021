import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EICAR, EICAR_SIGNATURE, clamdMissingReason, startClamd, type TestClamd } from '../../test/helpers/clamd.ts';
import { multipart, pdf } from '../../test/helpers/documents.ts';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { seedCase, seedCourt, type Court } from '../../test/rls/judicial-court.ts';
import { unsafeWithOwner } from '../platform/db/index.ts';
import { judicialStoreOf } from './judicial-store.ts';

/**
 * Case documents pass the same virus scanner as the firm vault (a real clamd holding only
 * the EICAR signature): an infected file is refused, audited and leaves nothing behind;
 * with clamd down the court's policy decides (refuse by default).
 */
const skip = clamdMissingReason() !== null;

describe.skipIf(skip)("judges' chambers: case documents and the virus scanner", () => {
  let clamd: TestClamd | null = null;
  let t: TestApp;
  let court: Court;
  let caseId: string;
  beforeAll(async () => {
    clamd = await startClamd();
    t = await startTestApp({ env: clamd.env });
    court = await seedCourt(t);
    caseId = (await seedCase(t, court.judgeA, 'S')).caseId;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await clamd?.stop();
  });

  const send = (name: string, content: Buffer | string) => {
    const body = multipart([{ filename: name, content }]);
    return t.inject({
      method: 'POST',
      url: `/api/v1/judicial/cases/${caseId}/documents`,
      headers: { ...court.judgeA.headers, ...body.headers },
      payload: body.payload,
    });
  };
  const stored = async () => {
    const { rows } = await unsafeWithOwner(judicialStoreOf(t.ctx).db, (tx) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM judicial.documents`.execute(tx),
    );
    let blobs = 0;
    for await (const _ of t.ctx.blobStore.list('judicial/')) blobs++;
    return { rows: rows[0]?.n, blobs };
  };

  it('should refuse an infected file with 422 FILE_INFECTED, audit it and store nothing', async () => {
    const before = await stored();
    const res = await send('eicar.txt', EICAR);
    expect([res.statusCode, res.json().code]).toEqual([422, 'FILE_INFECTED']);
    expect(await stored()).toEqual(before);
    await t.ctx.auditSealer.sealNow({ checkpoint: false });
    const { rows } = await unsafeWithOwner(t.ctx.db, (tx) =>
      sql<{ outcome: string; target: string; details: { signature?: string } }>`
        SELECT outcome, target, details FROM audit.events WHERE action = 'judicial.document_upload_infected'`.execute(
        tx,
      ),
    );
    expect(rows).toEqual([expect.objectContaining({ outcome: 'denied', target: caseId })]);
    expect(rows[0]?.details.signature).toBe(EICAR_SIGNATURE);
    expect((await send('clean.pdf', pdf('clean'))).statusCode).toBe(201);
  });

  it('should refuse uploads with 503 SCANNER_UNAVAILABLE while clamd is down (the default policy)', async () => {
    await clamd?.stop();
    clamd = null;
    const before = await stored();
    const res = await send('while-down.pdf', pdf('down'));
    expect([res.statusCode, res.json().code]).toEqual([503, 'SCANNER_UNAVAILABLE']);
    expect(await stored()).toEqual(before);
  });
});
