import { AnalyzePanel } from './AnalyzePanel.tsx';
import { VAULT_SOURCE, type AnalysisSource, type AnalyzedDocument } from './source.ts';

/** The "Analyze" action of a document row: opens the panel in a row of its own under the document. */
export function AnalyzeButton(props: { doc: AnalyzedDocument; open: boolean; onToggle: () => void }) {
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

/** Under a firm document (`VAULT_SOURCE`) or a case document in the judge portal (`JUDICIAL_SOURCE`). */
export function AnalyzeRow(props: { doc: AnalyzedDocument; colSpan: number; source?: AnalysisSource }) {
  return (
    <tr className="row-detail row-analyze">
      <td colSpan={props.colSpan}>
        <AnalyzePanel doc={props.doc} source={props.source ?? VAULT_SOURCE} />
      </td>
    </tr>
  );
}
