import { PDF, StandardFonts, type Signer, type TimestampAuthority } from '@libpdf/core';
import type { FieldKind } from './signatures.tables.ts';

/** A completed field, drawn into its page's content before sealing. */
export type FlatField = {
  kind: FieldKind;
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
  value: string | null;
  /** The recipient's signature: typed text, or a PNG for a drawn one. */
  signature: { method: 'typed'; text: string } | { method: 'drawn'; png: Buffer } | null;
};

export const EVIDENCE_ATTACHMENT = 'chambers-evidence.json';

/**
 * Standard-14 fonts encode WinAnsi only: anything else would fail to draw. The evidence
 * JSON attached to the file keeps every name exactly; the page shows a readable rendering.
 */
const printable = (s: string): string => s.normalize('NFC').replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '?');

function wrap(text: string, max = 95): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    let line = raw;
    while (line.length > max) {
      out.push(line.slice(0, max));
      line = `    ${line.slice(max)}`;
    }
    out.push(line);
  }
  return out;
}

/**
 * Flattens the completed fields into the page content, appends the evidence page(s) and
 * embeds the evidence record as a file attachment. Returns a whole new file (not an
 * incremental update), so nothing interactive remains for the seal to cover.
 */
export async function composeFinalPdf(
  original: Uint8Array,
  fields: FlatField[],
  evidence: {
    lines: string[];
    json: Uint8Array;
    at: Date;
  },
): Promise<Uint8Array> {
  const pdf = await PDF.load(original);
  for (const f of fields) {
    const page = pdf.getPage(f.page - 1);
    if (!page) continue;
    if ((f.kind === 'signature' || f.kind === 'initials') && f.signature?.method === 'drawn') {
      const img = await pdf.embedPng(f.signature.png);
      const scale = Math.min(f.width / img.widthInPoints, f.height / img.heightInPoints);
      page.drawImage(img, { x: f.x, y: f.y, width: img.widthInPoints * scale, height: img.heightInPoints * scale });
      continue;
    }
    let text = f.value ?? '';
    if (f.kind === 'signature' || f.kind === 'initials')
      text = f.signature?.method === 'typed' ? f.signature.text : text;
    if (f.kind === 'checkbox') text = f.value === 'true' ? 'X' : '';
    if (!text) continue;
    const size = Math.max(6, Math.min(f.height * 0.7, 18));
    const font = f.kind === 'signature' || f.kind === 'initials' ? StandardFonts.TimesItalic : StandardFonts.Helvetica;
    page.drawText(printable(text), {
      x: f.x + 2,
      y: f.y + (f.height - size) / 2 + size * 0.2,
      size,
      font,
      maxWidth: f.width,
    });
  }
  const lines = evidence.lines.flatMap((l) => wrap(printable(l)));
  const perPage = 58;
  for (let i = 0; i < lines.length; i += perPage) {
    const page = pdf.addPage({ size: 'a4' });
    let y = page.height - 50;
    for (const [n, line] of lines.slice(i, i + perPage).entries()) {
      const heading = i === 0 && n === 0;
      page.drawText(line, {
        x: 40,
        y,
        size: heading ? 14 : 8.5,
        font: heading ? StandardFonts.HelveticaBold : StandardFonts.Courier,
      });
      y -= heading ? 22 : 12.5;
    }
  }
  await pdf.attachments.add(EVIDENCE_ATTACHMENT, evidence.json, {
    mimeType: 'application/json',
    description: 'Chambers signature evidence record',
    createdAt: evidence.at,
    modifiedAt: evidence.at,
  });
  return pdf.save();
}

/**
 * The one PAdES signature over the whole file: /SubFilter /ETSI.CAdES.detached, B-T when a
 * time-stamp authority is given (its token goes into the CMS unsigned attributes), else B-B.
 */
export async function sealPdf(
  composed: Uint8Array,
  opts: { signer: Signer; tsa: TimestampAuthority | null; signingTime: Date; reason: string; location?: string },
): Promise<Uint8Array> {
  const pdf = await PDF.load(composed);
  const { bytes } = await pdf.sign({
    signer: opts.signer,
    reason: opts.reason,
    ...(opts.location ? { location: opts.location } : {}),
    signingTime: opts.signingTime,
    subFilter: 'ETSI.CAdES.detached',
    level: opts.tsa ? 'B-T' : 'B-B',
    ...(opts.tsa ? { timestampAuthority: opts.tsa } : {}),
    fieldName: 'ChambersSeal',
    estimatedSize: 16384,
  });
  return bytes;
}
