import type { DocumentMeta } from '../../../api/types.ts';
import { AnalyzePanel } from './AnalyzePanel.tsx';

/** The "Analyze" action of a document row: opens the panel in a row of its own under the document. */
export function AnalyzeButton(props: { doc: DocumentMeta; open: boolean; onToggle: () => void }) {
  return (
    <button
      type="button"
      className="btn btn-link"
      onClick={props.onToggle}
      aria-expanded={props.open}
      aria-label={`Analyze ${props.doc.name}`}
    >
      Analyze
    </button>
  );
}

export function AnalyzeRow({ doc, colSpan }: { doc: DocumentMeta; colSpan: number }) {
  return (
    <tr className="row-detail row-analyze">
      <td colSpan={colSpan}>
        <AnalyzePanel doc={doc} />
      </td>
    </tr>
  );
}
