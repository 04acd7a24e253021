// `npm run eval:guard`: the prompt-injection guard on the development data (PI_DIR, default
// ../shared/data/prompt-injection beside the checkout) and on our own benign legal questions.
// Reports recall on the injections and false positives on every benign set, and the guard's speed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetReadObjects } from 'hyparquet';
import { scoreText } from '../../src/ai/guard/guard.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.env.PI_DIR ?? path.resolve(here, '../../../shared/data/prompt-injection');
const verbose = process.argv.includes('--verbose');

type Prompt = { prompt: string };
const readJson = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as T;

async function deepset(): Promise<Array<{ text: string; label: number }>> {
  const buf = fs.readFileSync(path.join(dir, 'deepset-train.parquet'));
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const rows = (await parquetReadObjects({ file })) as Array<{ text: string; label: number | bigint }>;
  return rows.map((r) => ({ text: String(r.text), label: Number(r.label) }));
}

function rate(name: string, texts: string[], expectRefused: boolean): number {
  let hits = 0;
  const misses: string[] = [];
  for (const t of texts) {
    const v = scoreText(t);
    if (v.refused) hits++;
    if (v.refused !== expectRefused)
      misses.push(`${v.classes.join(',') || '-'} | ${t.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
  const r = texts.length ? hits / texts.length : 0;
  const label = expectRefused ? 'recall' : 'false positives';
  console.log(`${name.padEnd(44)} ${String(texts.length).padStart(5)}  ${label} ${(r * 100).toFixed(1)}%`);
  if (verbose) for (const m of misses) console.log(`    ${m}`);
  return r;
}

const ds = await deepset();
const legal = fs
  .readFileSync(path.join(here, 'benign-legal-questions.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'));
const notInject = ['one', 'two', 'three'].flatMap((n) =>
  readJson<Prompt[]>(`injecguard-NotInject_${n}.json`).map((p) => p.prompt),
);
const wild = readJson<Array<Prompt & { label: number }>>('injecguard-wildguard.json')
  .filter((p) => p.label === 0)
  .map((p) => p.prompt);
const bipia = [
  ...Object.values(readJson<Record<string, string[]>>('bipia-text_attack_train.json')).flat(),
  ...Object.values(readJson<Record<string, string[]>>('bipia-code_attack_train.json')).flat(),
];

console.log('set                                          size  result');
const recall = rate(
  'deepset injections (label 1)',
  ds.filter((r) => r.label === 1).map((r) => r.text),
  true,
);
const fps = [
  rate(
    'deepset benign (label 0)',
    ds.filter((r) => r.label === 0).map((r) => r.text),
    false,
  ),
  rate('InjecGuard NotInject (trigger words)', notInject, false),
  rate('InjecGuard wildguard benign', wild, false),
  rate('Chambers benign legal questions', legal, false),
];
rate('BIPIA attack instructions (indirect; info)', bipia, true);
const allBenign = ds.filter((r) => r.label === 0).length + notInject.length + wild.length + legal.length;
const fpCount = Math.round(
  fps[0]! * ds.filter((r) => r.label === 0).length +
    fps[1]! * notInject.length +
    fps[2]! * wild.length +
    fps[3]! * legal.length,
);
const fpr = fpCount / allBenign;

// Speed: the guard over 200 KB of contract-like text, next to one plain regex scan of the same text.
const chunk = 'The Licensee shall not assign this Agreement without the prior written consent of the Licensor. ';
const big = chunk.repeat(Math.ceil(200_000 / chunk.length)).slice(0, 200_000);
/** Mean wall-clock and CPU milliseconds per run: on a busy machine the CPU time is the guard's own cost. */
const time = (fn: () => void, n = 20): { wall: number; cpu: number } => {
  fn();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / n, cpu: (c.user + c.system) / 1000 / n };
};
const guard = time(() => scoreText(big));
const guardMs = Math.min(guard.wall, guard.cpu);
const regexMs = time(() => /ignore (all )?previous instructions/i.test(big)).wall;

console.log(`\ndeepset recall ${(recall * 100).toFixed(1)}% (goal ≥ 35%)`);
console.log(`false-positive rate over ${allBenign} benign prompts: ${(fpr * 100).toFixed(2)}% (goal ≤ 1%)`);
console.log(
  `guard on 200 KB: ${guard.wall.toFixed(2)} ms wall, ${guard.cpu.toFixed(2)} ms CPU (goal ≤ 5 ms); one plain regex scan: ${regexMs.toFixed(2)} ms`,
);
if (process.argv.includes('--check') && (recall < 0.35 || fps.some((f) => f > 0.01) || guardMs > 5))
  process.exitCode = 1;
