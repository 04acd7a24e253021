import { Fragment, useMemo, type ReactNode } from 'react';

/** Line breaks as <br>: the text wraps inside the page instead of running off it as a <pre> would. */
const lines = (text: string): ReactNode =>
  text.split('\n').map((l, i) => (
    <Fragment key={i}>
      {i > 0 && <br />}
      {l}
    </Fragment>
  ));

export type Highlight = { start: number; end: number; label: string };

/**
 * A plain-text document with its clauses marked: offsets come from the server's extraction, so
 * each mark is exactly the quoted text. The focused mark gets an id to scroll to.
 */
export function DocumentText({
  id,
  text,
  highlights,
  focus,
}: {
  id: string;
  text: string;
  highlights: Highlight[];
  focus: Highlight | null;
}) {
  const pieces = useMemo(() => {
    const marks = [...highlights, ...(focus ? [focus] : [])]
      .filter((h) => h.start >= 0 && h.end <= text.length && h.start < h.end)
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const out: Array<{ text: string; mark?: Highlight }> = [];
    let at = 0;
    for (const m of marks) {
      if (m.start < at) continue; // overlapping marks: the first one wins
      if (m.start > at) out.push({ text: text.slice(at, m.start) });
      out.push({ text: text.slice(m.start, m.end), mark: m });
      at = m.end;
    }
    if (at < text.length) out.push({ text: text.slice(at) });
    return out;
  }, [text, highlights, focus]);
  return (
    <div className="document-text" role="region" tabIndex={0} aria-label="Document text with highlighted clauses">
      <p>
        {pieces.map((p, i) =>
          p.mark ? (
            <mark
              key={i}
              id={`hl-${id}-${p.mark.start}`}
              title={p.mark.label}
              className={focus && focus.start === p.mark.start ? 'focused' : undefined}
            >
              {lines(p.text)}
            </mark>
          ) : (
            <Fragment key={i}>{lines(p.text)}</Fragment>
          ),
        )}
      </p>
    </div>
  );
}
