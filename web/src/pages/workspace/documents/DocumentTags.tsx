import { useId, useState } from 'react';
import { patch } from '../../../api/client.ts';
import type { DocumentMeta } from '../../../api/types.ts';
import { Alert, Button } from '../../../components/ui.tsx';
import { useFormAction } from '../../../components/use-form-action.ts';
import './documents.css';

/** A document's tags as small labels (read-only: the name cell of the list). */
export function TagList({ doc }: { doc: DocumentMeta }) {
  if (doc.tags.length === 0) return null;
  return (
    <ul className="tag-list" aria-label={`Tags of ${doc.name}`}>
      {doc.tags.map((t) => (
        <li key={t} className="tag">
          {t}
        </li>
      ))}
    </ul>
  );
}

/** "Filter by tag" over a matter's documents: every tag in use, and "All documents". */
export function TagFilter(props: { documents: DocumentMeta[]; value: string; onChange: (tag: string) => void }) {
  const id = useId();
  const tags = [...new Set(props.documents.flatMap((d) => d.tags))].sort((a, b) => a.localeCompare(b));
  if (tags.length === 0 && props.value === '') return null;
  return (
    <div className="field tag-filter">
      <label htmlFor={id}>Filter by tag</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">All documents</option>
        {tags.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Only the documents carrying `tag` ("" keeps them all). */
export function withTag(documents: DocumentMeta[], tag: string): DocumentMeta[] {
  return tag === '' ? documents : documents.filter((d) => d.tags.includes(tag));
}

/**
 * Adds and removes a document's tags. The server keeps them lower-case and without
 * duplicates and answers with the document, which is handed back to the page.
 */
export function DocumentTags(props: { doc: DocumentMeta; canWrite: boolean; onChanged: (doc: DocumentMeta) => void }) {
  const { doc } = props;
  const inputId = useId();
  const [draft, setDraft] = useState('');
  const { error, busy, run } = useFormAction();
  const save = (tags: string[]) =>
    run(async () => {
      props.onChanged(await patch<DocumentMeta>(`/api/v1/documents/${doc.id}`, { tags }));
    });

  return (
    <div>
      <h3>Tags</h3>
      <Alert>{error}</Alert>
      {doc.tags.length === 0 && <p className="muted">No tags yet.</p>}
      {doc.tags.length > 0 && (
        <ul className="tag-list" aria-label={`Tags of ${doc.name}`}>
          {doc.tags.map((t) => (
            <li key={t} className="tag">
              {t}
              {props.canWrite && (
                <button
                  type="button"
                  className="tag-remove"
                  disabled={busy}
                  aria-label={`Remove the tag ${t} from ${doc.name}`}
                  onClick={() => void save(doc.tags.filter((x) => x !== t))}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {props.canWrite && (
        <form
          className="tag-add"
          onSubmit={(e) => {
            e.preventDefault();
            const tag = draft.trim();
            if (!tag) return;
            void save([...doc.tags, tag]).then((ok) => ok && setDraft(''));
          }}
        >
          <div className="field">
            <label htmlFor={inputId}>Add a tag to {doc.name}</label>
            <input
              id={inputId}
              value={draft}
              maxLength={50}
              onChange={(e) => setDraft(e.target.value)}
              placeholder="e.g. contracts"
            />
          </div>
          <Button type="submit" variant="secondary" className="btn btn-secondary btn-small" busy={busy}>
            Add tag
          </Button>
        </form>
      )}
    </div>
  );
}
