import { Fragment, type ReactNode } from 'react';

/**
 * Renders model output as markdown the safe way: React elements only (no HTML is ever parsed
 * or injected, so raw HTML shows as text), links only to https addresses, images never — an
 * injected answer cannot load a tracking pixel or smuggle data out in an image URL. Citation
 * marks like [2] become buttons that call `onCite`.
 */
export function Markdown({ text, onCite }: { text: string; onCite?: (n: number) => void }) {
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  return (
    <div className="markdown">
      {blocks.map((block, i) => (
        <Block key={i} block={block} onCite={onCite} />
      ))}
    </div>
  );
}

function Block({ block, onCite }: { block: string; onCite?: (n: number) => void }) {
  const lines = block.split('\n');
  if (lines.every((l) => /^\s*[-*] /.test(l)))
    return (
      <ul>
        {lines.map((l, i) => (
          <li key={i}>{inline(l.replace(/^\s*[-*] /, ''), onCite)}</li>
        ))}
      </ul>
    );
  if (lines.every((l) => /^\s*\d+[.)] /.test(l)))
    return (
      <ol>
        {lines.map((l, i) => (
          <li key={i}>{inline(l.replace(/^\s*\d+[.)] /, ''), onCite)}</li>
        ))}
      </ol>
    );
  if (lines.every((l) => l.startsWith('>')))
    return <blockquote>{inline(lines.map((l) => l.replace(/^> ?/, '')).join(' '), onCite)}</blockquote>;
  const heading = /^(#{1,4}) (.*)$/.exec(block);
  if (heading && lines.length === 1) return <p className="markdown-heading">{inline(heading[2] ?? '', onCite)}</p>;
  return <p>{inline(lines.join(' '), onCite)}</p>;
}

const TOKEN = /(!?\[[^\]]*\]\([^)\s]*\)|\*\*[^*]+\*\*|\*[^*\s][^*]*\*|`[^`]+`|\[\d{1,3}\])/g;

function inline(text: string, onCite?: (n: number) => void): ReactNode {
  const parts = text.split(TOKEN);
  return parts.map((p, i) => {
    if (i % 2 === 0) return <Fragment key={i}>{p}</Fragment>;
    if (p.startsWith('![')) return null; // images are never rendered
    const link = /^\[([^\]]*)\]\(([^)\s]*)\)$/.exec(p);
    if (link) {
      const [, label = '', href = ''] = link;
      return isHttps(href) ? (
        <a key={i} href={href} rel="noopener noreferrer nofollow" target="_blank">
          {label}
        </a>
      ) : (
        <Fragment key={i}>{label}</Fragment>
      );
    }
    if (p.startsWith('**')) return <strong key={i}>{p.slice(2, -2)}</strong>;
    if (p.startsWith('`')) return <code key={i}>{p.slice(1, -1)}</code>;
    if (p.startsWith('*')) return <em key={i}>{p.slice(1, -1)}</em>;
    const cite = /^\[(\d{1,3})\]$/.exec(p);
    if (cite && onCite) {
      const n = Number(cite[1]);
      return (
        <button
          key={i}
          type="button"
          className="btn btn-link citation"
          onClick={() => onCite(n)}
          aria-label={`Show quote ${n}`}
        >
          [{n}]
        </button>
      );
    }
    return <Fragment key={i}>{p}</Fragment>;
  });
}

function isHttps(href: string): boolean {
  try {
    return new URL(href).protocol === 'https:';
  } catch {
    return false;
  }
}
