import { useCallback, useEffect, useMemo, useState } from 'react';
import { get, post, request } from '../../../api/client.ts';
import { Alert, Button, Empty, SelectField } from '../../../components/ui.tsx';
import { useFormAction } from '../../../components/use-form-action.ts';
import { askStreamed } from './ask-stream.ts';
import { DocumentText, type Highlight } from './DocumentText.tsx';
import { Markdown } from './Markdown.tsx';
import { VAULT_SOURCE, type AnalysisSource, type AnalyzedDocument } from './source.ts';
import type {
  AiStatus,
  AskResult,
  Citation,
  Clause,
  ExtractResult,
  Finding,
  Meta,
  Playbook,
  ReviewResult,
} from './types.ts';

type Tab = 'clauses' | 'review' | 'ask';

/** Plain-text documents are shown whole with their clauses marked; for PDF and DOCX the quotes stand alone. */
const isPlainText = (doc: AnalyzedDocument) => /^text\/(plain|markdown)/.test(doc.contentType);

/** What is kept of this use of the tools: nothing, or (when the organization opted in) an encrypted review log. */
function RetentionNotice({ status, source }: { status: AiStatus | null; source: AnalysisSource }) {
  if (source.reviewLog && status?.reviewLog)
    return (
      <div className="alert alert-warning review-log-notice" role="note">
        <strong>Review log on.</strong> Your organization keeps a log of AI inputs and outputs (your questions, the
        playbook used and the answers) for {status.reviewLogDays} days, encrypted under its key and readable by its
        administrators. The document text itself is not copied into it.
      </div>
    );
  return (
    <p className="hint">
      Questions, document text and answers are not stored or logged. Model answers quote the document; quotes that are
      not found in it verbatim are dropped.
    </p>
  );
}

/**
 * The "Analyze" panel of a document: its clauses by category, a review against one of the
 * firm's playbooks, and questions answered with quotes. Nothing typed here is stored unless the
 * organization turned its review log on, and then the panel says so. The same panel serves case
 * documents in the judge portal (`source`), where nothing is ever kept.
 */
export function AnalyzePanel({ doc, source = VAULT_SOURCE }: { doc: AnalyzedDocument; source?: AnalysisSource }) {
  const [tab, setTab] = useState<Tab>('clauses');
  const [status, setStatus] = useState<AiStatus | null>(null);
  const [text, setText] = useState<string | null>(null);
  const [focus, setFocus] = useState<Highlight | null>(null);
  const [highlights, setHighlights] = useState<Highlight[]>([]);
  const { error, fail } = useFormAction();

  useEffect(() => {
    get<AiStatus>('/api/v1/ai/status').then(setStatus).catch(fail);
  }, [fail]);

  useEffect(() => {
    if (!isPlainText(doc)) return;
    request('GET', source.content(doc.id))
      .then((r) => r.text())
      // The same normalization as the server's extraction, so offsets agree.
      .then((t) => setText(t.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')))
      .catch(fail);
  }, [doc, source, fail]);

  const show = useCallback(
    (h: Highlight) => {
      setFocus(h);
      window.setTimeout(
        () => document.getElementById(`hl-${doc.id}-${h.start}`)?.scrollIntoView({ block: 'center' }),
        0,
      );
    },
    [doc.id],
  );

  return (
    <section className="analyze" aria-label={`Analyze ${doc.name}`}>
      <h3>Analyze</h3>
      <RetentionNotice status={status} source={source} />
      <Alert>{error}</Alert>
      <div className="tabs" role="tablist" aria-label="Analysis tools">
        {(['clauses', 'review', 'ask'] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className="btn btn-link"
            onClick={() => setTab(t)}
          >
            {t === 'clauses' ? 'Clauses' : t === 'review' ? 'Review' : 'Ask'}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'clauses' && <ClausesTab doc={doc} source={source} onShow={show} onHighlights={setHighlights} />}
        {tab === 'review' && <ReviewTab doc={doc} source={source} onShow={show} />}
        {tab === 'ask' && <AskTab doc={doc} source={source} onShow={show} />}
      </div>
      {text !== null && <DocumentText id={doc.id} text={text} highlights={highlights} focus={focus} />}
    </section>
  );
}

function Provenance({ meta }: { meta: Meta }) {
  return (
    <>
      <p className="hint">
        Answered by {meta.provider === 'local' ? 'the built-in local analyzer' : `${meta.provider} (${meta.model})`}.
        {meta.unverifiedDropped ? ` ${meta.unverifiedDropped} unverifiable quote(s) dropped.` : ''}
      </p>
      <Alert kind="warning">{meta.fallback}</Alert>
    </>
  );
}

function ClausesTab(props: {
  doc: AnalyzedDocument;
  source: AnalysisSource;
  onShow: (h: Highlight) => void;
  onHighlights: (h: Highlight[]) => void;
}) {
  const { doc, source, onShow, onHighlights } = props;
  const [result, setResult] = useState<ExtractResult | null>(null);
  const { busy, error, run } = useFormAction();
  const byCategory = useMemo(() => {
    const m = new Map<string, Clause[]>();
    for (const c of result?.clauses ?? []) m.set(c.category, [...(m.get(c.category) ?? []), c]);
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [result]);
  const extract = () =>
    run(async () => {
      const r = await post<ExtractResult>(`${source.tools}/extract`, { documentId: doc.id });
      setResult(r);
      onHighlights(r.clauses.map((c) => ({ start: c.start, end: c.end, label: c.category })));
    });
  return (
    <div>
      <Alert>{error}</Alert>
      <Button type="button" busy={busy} onClick={() => void extract()}>
        Find clauses
      </Button>
      {result && <Provenance meta={result} />}
      {result && byCategory.length === 0 && <Empty>No clauses recognized.</Empty>}
      {byCategory.map(([category, clauses]) => (
        <div key={category} className="clause-group" data-category={category}>
          <h4>
            {category} <span className="badge">{clauses.length}</span>
          </h4>
          <ul>
            {clauses.map((c) => (
              <li key={`${c.start}-${c.end}`}>
                {c.value && <strong>{c.value}: </strong>}
                <button
                  type="button"
                  className="btn btn-link quote"
                  onClick={() => onShow({ start: c.start, end: c.end, label: category })}
                >
                  <mark>{c.text.length > 300 ? `${c.text.slice(0, 300)}…` : c.text}</mark>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

const light = (f: Finding) => (f.status === 'ok' ? 'ok' : f.severity === 'critical' ? 'bad' : 'warn');
const lightLabel = { ok: 'green', warn: 'amber', bad: 'red' } as const;

type TabProps = { doc: AnalyzedDocument; source: AnalysisSource; onShow: (h: Highlight) => void };

function ReviewTab({ doc, source, onShow }: TabProps) {
  const [playbooks, setPlaybooks] = useState<Playbook[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [result, setResult] = useState<ReviewResult | null>(null);
  const { busy, error, run, fail } = useFormAction();
  useEffect(() => {
    get<{ playbooks: Playbook[] }>('/api/v1/playbooks')
      .then((r) => {
        setPlaybooks(r.playbooks);
        setChosen(r.playbooks[0]?.id ?? '');
      })
      .catch(fail);
  }, [fail]);
  if (playbooks && playbooks.length === 0)
    return <Empty>No playbook yet: an administrator writes them under Administration → Playbooks.</Empty>;
  return (
    <div>
      <Alert>{error}</Alert>
      {playbooks && (
        <SelectField
          label="Playbook"
          value={chosen}
          onChange={setChosen}
          options={playbooks.map((p) => ({ value: p.id, label: p.name }))}
        />
      )}
      <Button
        type="button"
        busy={busy}
        disabled={!chosen}
        onClick={() =>
          void run(async () =>
            setResult(await post<ReviewResult>(`${source.tools}/review`, { documentId: doc.id, playbookId: chosen })),
          )
        }
      >
        Review
      </Button>
      {result && <Provenance meta={result} />}
      {result && (
        <ul className="findings">
          {result.findings.map((f) => (
            <li key={f.ruleId} className={`finding finding-${light(f)}`} data-status={lightLabel[light(f)]}>
              <span className={`badge badge-${light(f)}`}>{f.status === 'ok' ? 'OK' : f.severity}</span>{' '}
              <strong>{f.category}</strong> — {f.explanation}
              {f.quote && (
                <blockquote>
                  <button
                    type="button"
                    className="btn btn-link quote"
                    onClick={() => f.quote && onShow({ start: f.quote.start, end: f.quote.end, label: f.category })}
                  >
                    “{f.quote.text}”
                  </button>
                </blockquote>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function AskTab({ doc, source, onShow }: TabProps) {
  const [question, setQuestion] = useState('');
  const [result, setResult] = useState<AskResult | null>(null);
  /** The answer as it streams in; replaced by `result` once the server sends `done`. */
  const [partial, setPartial] = useState<{ text: string; citations: Citation[] } | null>(null);
  const { busy, error, onSubmit } = useFormAction();
  const citations = result?.citations ?? partial?.citations ?? [];
  const cite = (n: number) => {
    const c = citations[n - 1];
    if (c) onShow({ start: c.start, end: c.end, label: `Quote ${n}` });
  };
  const ask = async () => {
    setResult(null);
    setPartial({ text: '', citations: [] });
    try {
      const final = await askStreamed(
        { question, documentIds: [doc.id] },
        {
          onDelta: (text) => setPartial((p) => ({ text: (p?.text ?? '') + text, citations: p?.citations ?? [] })),
          onCitation: (c) => setPartial((p) => ({ text: p?.text ?? '', citations: [...(p?.citations ?? []), c] })),
          onReset: () => setPartial({ text: '', citations: [] }),
        },
        undefined,
        `${source.tools}/ask`,
      );
      setResult(final);
    } finally {
      setPartial(null);
    }
  };
  return (
    <form onSubmit={onSubmit(ask)}>
      <Alert>{error}</Alert>
      <div className="field">
        <label htmlFor={`ask-${doc.id}`}>Question</label>
        <textarea
          id={`ask-${doc.id}`}
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          rows={3}
          maxLength={50_000}
          required
        />
      </div>
      <Button type="submit" busy={busy} disabled={!question.trim()}>
        Ask
      </Button>
      {(result || partial) && (
        <div className="answer" aria-live="polite" aria-busy={partial !== null} data-streaming={partial !== null}>
          {result && <Provenance meta={result} />}
          {/* While streaming, plain text; the markdown (with its quote links) once the answer is whole. */}
          {result ? <Markdown text={result.answer} onCite={cite} /> : <p className="streaming">{partial?.text}</p>}
          {citations.length > 0 && (
            <ol className="citations">
              {citations.map((c, i) => (
                <li key={i}>
                  <button type="button" className="btn btn-link quote" onClick={() => cite(i + 1)}>
                    “{c.text.length > 300 ? `${c.text.slice(0, 300)}…` : c.text}”
                  </button>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </form>
  );
}
