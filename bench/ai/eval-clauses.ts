// `npm run eval:clauses`: the local analyzer measured on the CUAD development split.
// Presence P/R/F1 per yes/no category (macro-F1 over them) and span recall: a lawyer's span is found
// when a predicted clause of its category overlaps it with token-Jaccard ≥ 0.5 (CUAD's own criterion).
// CUAD_DIR points elsewhere (default ../shared/data/cuad-dev beside the checkout).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../src/ai/analyzer/analyze.ts';
import { CATEGORIES } from '../../src/ai/analyzer/categories.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.env.CUAD_DIR ?? path.resolve(here, '../../../shared/data/cuad-dev');

type Label = { clauses: string[]; answer: string };
type Row = { file: string; labels: Record<string, Label> };

const tokens = (s: string): Set<string> => new Set(s.toLowerCase().match(/[a-z0-9]+/g) ?? []);
function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  const union = a.size + b.size - inter;
  return union === 0 ? 0 : inter / union;
}

const rows: Row[] = fs
  .readFileSync(path.join(dir, 'labels.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Row);

type Tally = { tp: number; fp: number; fn: number; spans: number; found: number; predicted: number; correct: number };
const tally = new Map<string, Tally>(
  CATEGORIES.map((c) => [c.name, { tp: 0, fp: 0, fn: 0, spans: 0, found: 0, predicted: 0, correct: 0 }]),
);
let ms = 0;
let chars = 0;
for (const row of rows) {
  const text = fs.readFileSync(path.join(dir, 'contracts', row.file), 'utf8');
  const t0 = performance.now();
  const clauses = analyze(text);
  ms += performance.now() - t0;
  chars += text.length;
  for (const c of CATEGORIES) {
    const t = tally.get(c.name);
    if (!t) continue;
    const label = row.labels[c.name] ?? { clauses: [], answer: '' };
    const mine = clauses.filter((x) => x.category === c.name).map((x) => tokens(x.text));
    if (c.kind === 'presence') {
      const gold = label.answer === 'Yes';
      const pred = mine.length > 0;
      if (gold && pred) t.tp++;
      else if (pred) t.fp++;
      else if (gold) t.fn++;
    }
    const golds = label.clauses.map((s) => tokens(s.replaceAll('<omitted>', ' ')));
    for (const g of golds) {
      t.spans++;
      if (mine.some((m) => jaccard(m, g) >= 0.5)) t.found++;
    }
    for (const m of mine) {
      t.predicted++;
      if (golds.some((g) => jaccard(m, g) >= 0.5)) t.correct++;
    }
  }
}

const f = (n: number) => n.toFixed(2).padStart(5);
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
console.log(
  `CUAD dev: ${rows.length} contracts, ${(chars / 1e6).toFixed(1)} M chars, analyzer ${ms.toFixed(0)} ms in all\n`,
);
console.log(`${'category'.padEnd(36)} kind      P     R    F1  spans  recall  precision`);
let f1Sum = 0;
let f1N = 0;
let spans = 0;
let found = 0;
let predicted = 0;
let correct = 0;
for (const c of CATEGORIES) {
  const t = tally.get(c.name);
  if (!t) continue;
  const p = ratio(t.tp, t.tp + t.fp);
  const r = ratio(t.tp, t.tp + t.fn);
  const f1 = p + r === 0 ? 0 : (2 * p * r) / (p + r);
  if (c.kind === 'presence') {
    f1Sum += f1;
    f1N++;
  }
  spans += t.spans;
  found += t.found;
  predicted += t.predicted;
  correct += t.correct;
  const pres = c.kind === 'presence' ? `${f(p)} ${f(r)} ${f(f1)}` : '    -     -     -';
  console.log(
    `${c.name.padEnd(36)} ${c.kind.padEnd(8)} ${pres} ${String(t.spans).padStart(6)}  ${f(ratio(t.found, t.spans))}   ${f(ratio(t.correct, t.predicted))}`,
  );
}
const macroF1 = f1Sum / f1N;
const spanRecall = ratio(found, spans);
console.log(`\npresence macro-F1 over ${f1N} yes/no categories: ${macroF1.toFixed(3)} (goal ≥ 0.60)`);
console.log(`span recall (token-Jaccard ≥ 0.5) over ${spans} labelled spans: ${spanRecall.toFixed(3)} (goal ≥ 0.50)`);
console.log(`span precision over ${predicted} predicted clauses: ${ratio(correct, predicted).toFixed(3)}`);
if (process.argv.includes('--check') && (macroF1 < 0.6 || spanRecall < 0.5)) process.exitCode = 1;
