import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { TestApp } from './test-app.ts';

/** A multipart/form-data body with the given parts, as a client would send it. */
export function multipart(
  parts: Array<{ field?: string; filename?: string; content: Buffer | string; contentType?: string }>,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----chambers${crypto.randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.field ?? 'file'}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${p.contentType ?? 'application/octet-stream'}\r\n\r\n`,
      ),
    );
    chunks.push(Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A small but real PDF (magic bytes and all); `marker` makes its plaintext findable. */
export function pdf(marker = 'PLAINTEXT-MARKER', padTo = 0): Buffer {
  const body = `%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${marker}\n`;
  const pad = Math.max(0, padTo - body.length - 6);
  return Buffer.concat([Buffer.from(body), Buffer.alloc(pad, 0x41), Buffer.from('\n%%EOF')]);
}

/** Rows and blobs the vault holds: what "nothing half-stored" is checked against. */
export async function vaultCounts(t: TestApp): Promise<{ documents: number; versions: number; blobs: number }> {
  const { rows } = await sql<{ documents: number; versions: number }>`
    SELECT (SELECT count(*)::int FROM chambers.documents) AS documents, (SELECT count(*)::int FROM chambers.document_versions) AS versions`.execute(
    t.ctx.db.owner,
  );
  let blobs = 0;
  for await (const _ of t.ctx.blobStore.list('')) blobs++;
  return { documents: rows[0]?.documents ?? 0, versions: rows[0]?.versions ?? 0, blobs };
}

/** Every file under the data directory's blob store, read raw. */
export function rawBlobFiles(dataDir: string): Buffer[] {
  const root = path.join(dataDir, 'blobs');
  if (!fs.existsSync(root)) return [];
  const out: Buffer[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(fs.readFileSync(full));
    }
  };
  walk(root);
  return out;
}
