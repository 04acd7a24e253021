import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { get } from '../../api/client.ts';
import type { SearchResult } from '../../api/types.ts';
import { Alert, Empty, PageHeader, Section, Spinner } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';

const KIND: Record<SearchResult['type'], string> = { matter: 'Matter', client: 'Client', document: 'Document' };

function linkOf(r: SearchResult): string {
  if (r.type === 'matter') return `/matters/${r.id}`;
  if (r.type === 'client') return `/clients/${r.id}`;
  return `/matters/${r.matterId ?? ''}`;
}

/** Results of the shell's search box, best first. Document contents are never searched: names and tags only. */
export default function SearchResults() {
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const { error, fail } = useFormAction();

  useEffect(() => {
    setResults(null);
    if (!q) return;
    let live = true;
    get<{ results: SearchResult[] }>(`/api/v1/search?q=${encodeURIComponent(q)}`).then(
      (r) => live && setResults(r.results),
      fail,
    );
    return () => {
      live = false;
    };
  }, [q, fail]);

  return (
    <>
      <PageHeader
        title="Search"
        description="Matters, clients and document names and tags, without regard to accents or capitals. Document contents are not searched."
      />
      <Alert>{error}</Alert>
      {!q && <Empty>Type words in the search box above.</Empty>}
      {q && results === null && !error && <Spinner />}
      {results && (
        <Section title={`Results for “${q}”`}>
          {results.length === 0 ? (
            <Empty>No results for “{q}”. Try fewer or shorter words.</Empty>
          ) : (
            <ul className="search-results" aria-label="Search results">
              {results.map((r) => (
                <li key={`${r.type}:${r.id}`} data-result={r.type}>
                  <span className="badge">{KIND[r.type]}</span> <Link to={linkOf(r)}>{r.title}</Link>
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
    </>
  );
}
