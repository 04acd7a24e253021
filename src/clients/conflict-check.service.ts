import { findMatter } from '../matters/index.ts';
import type { Tx } from '../platform/db/index.ts';
import { notFound } from '../platform/errors.ts';
import { matchScore, normalizeName, significantWords, trigramsOf } from './normalize.ts';
import * as repo from './clients.repository.ts';
import type { ConflictHit } from './clients.schemas.ts';

/** Below this a candidate is not a hit. */
const MIN_SCORE = 0.6;
/** The most hits one check returns, best first. */
const MAX_HITS = 100;

/**
 * Searches each name against every client (former clients included) and every party of every
 * matter of the firm, accent- and case-insensitively, with near matches scored below 1
 * (normalize.ts). The candidates come from the database by shared 3-letter pieces of the
 * folded names (a bounded set), then are scored here.
 *
 * Parties of a matter behind an ethical wall are searched too (a conflict hides there as well),
 * but the caller who is not admitted gets the hit without its matter id: they learn that the
 * firm has a conflict to clear, not which matter it is.
 */
export async function checkConflicts(
  tx: Tx,
  input: { names: string[]; matterId?: string },
): Promise<{ hits: ConflictHit[] }> {
  if (input.matterId && !(await findMatter(tx, input.matterId))) throw notFound();
  const queries = [...new Set(input.names.map((n) => n.trim()).filter(Boolean))].map((name) => ({
    name,
    folded: normalizeName(name),
  }));
  const trigrams = trigramsOf(queries.flatMap((q) => [...significantWords(q.folded), q.folded.replace(/ /g, '')]));
  const [clients, parties] = await Promise.all([
    repo.clientCandidates(tx, trigrams),
    repo.partyCandidates(tx, trigrams),
  ]);

  const hits: ConflictHit[] = [];
  for (const q of queries) {
    for (const cl of clients) {
      const score = matchScore(q.folded, cl.name_normalized);
      if (score >= MIN_SCORE)
        hits.push({
          name: q.name,
          matchedName: cl.name,
          kind: 'client',
          matterId: null,
          clientId: cl.id,
          score,
          former: cl.status === 'former',
        });
    }
    for (const p of parties) {
      // The matter being opened is not a conflict with itself.
      if (p.matter_id === input.matterId) continue;
      const score = matchScore(q.folded, p.name_normalized);
      if (score >= MIN_SCORE)
        hits.push({
          name: q.name,
          matchedName: p.name,
          kind: 'party',
          matterId: p.matter_id,
          clientId: p.client_id,
          score,
          former: false,
        });
    }
  }
  hits.sort((a, b) => b.score - a.score || a.matchedName.localeCompare(b.matchedName));
  const top = hits.slice(0, MAX_HITS);
  // One look-up per distinct matter, through the matters module (walls are its policy).
  const visible = new Map<string, boolean>();
  for (const h of top) {
    if (h.matterId && !visible.has(h.matterId)) visible.set(h.matterId, Boolean(await findMatter(tx, h.matterId)));
    if (h.matterId && !visible.get(h.matterId)) h.matterId = null;
  }
  return { hits: top };
}
