import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { del, get } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import type { DocumentList, DocumentMeta, Matter } from '../../api/types.ts';
import { Alert, Empty, PageHeader, Section, formatBytes, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { useMe } from '../../session/session.tsx';
import { ShareLinks } from './ShareLinks.tsx';
import { DocumentUploader } from './documents/DocumentUploader.tsx';
import { PreviewButton } from './documents/DocumentPreview.tsx';
import { DocumentTags, TagFilter, TagList, withTag } from './documents/DocumentTags.tsx';
import { DocumentHold, HoldBadge, MatterHold } from './documents/LegalHold.tsx';
import { Versions } from './Versions.tsx';
import { WallPanel } from './WallPanel.tsx';
import { MatterWork } from './MatterWork.tsx';
import { MatterOverview, useAssignees } from './MatterOverview.tsx';
import { AnalyzeButton, AnalyzeRow } from './ai/AnalyzeRow.tsx';
import { EnvelopesPanel } from './EnvelopesPanel.tsx';

export default function MatterDetail() {
  const { id = '' } = useParams();
  const me = useMe();
  const [matter, setMatter] = useState<Matter | null>(null);
  const [documents, setDocuments] = useState<DocumentMeta[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [tag, setTag] = useState('');
  // The page's one outcome line: uploads, downloads and deletes of its documents.
  const { error, success: notice, run, fail, succeed } = useFormAction();
  const canWrite = me.role === 'lawyer' || me.role === 'org_admin';
  const members = useAssignees();

  const load = useCallback(async () => {
    const [m, d] = await Promise.all([
      get<Matter>(`/api/v1/matters/${id}`),
      get<DocumentList>(`/api/v1/matters/${id}/documents`),
    ]);
    setMatter(m);
    setDocuments(d.documents);
  }, [id]);
  useEffect(() => {
    load().catch(fail);
  }, [load, fail]);

  return (
    <>
      <p className="breadcrumb">
        <Link to="/matters">Matters</Link> <span aria-hidden="true">/</span> {matter?.title ?? '…'}
      </p>
      <PageHeader
        title={matter?.title ?? 'Matter'}
        description={[matter?.reference, matter?.clientName].filter(Boolean).join(' · ') || undefined}
      />
      <div className="stack">
        <Alert>{error}</Alert>
        <Alert kind="success">{notice}</Alert>
        {matter && <MatterOverview matter={matter} members={members} canWrite={canWrite} onChange={setMatter} />}
        {canWrite && (
          <DocumentUploader
            matterId={id}
            documents={documents}
            onUploaded={(doc) => {
              succeed(doc.version > 1 ? `Version ${doc.version} of ${doc.name} uploaded.` : `${doc.name} uploaded.`);
              void load();
            }}
          />
        )}
        <Section
          title="Documents"
          description="Encrypted at rest; every download and share is recorded in the audit trail."
        >
          {documents && documents.length === 0 && <Empty>No documents in this matter yet.</Empty>}
          {documents && <TagFilter documents={documents} value={tag} onChange={setTag} />}
          {documents && documents.length > 0 && (
            <table className="table">
              <caption className="sr-only">Documents</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Size</th>
                  <th scope="col">Uploaded</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {withTag(documents, tag).map((d) => (
                  <DocumentRow
                    key={d.id}
                    doc={d}
                    matterHeld={matter?.legalHold ?? false}
                    isAdmin={me.role === 'org_admin'}
                    onChanged={() => void load()}
                    expanded={open === d.id}
                    canWrite={canWrite}
                    onToggle={() => setOpen(open === d.id ? null : d.id)}
                    onNewVersion={(updated) => {
                      succeed(`Version ${updated.version} of ${updated.name} uploaded.`);
                      void load();
                    }}
                    onDownload={() => void run(() => downloadFile(`/api/v1/documents/${d.id}/content`, d.name))}
                    onDelete={() =>
                      void run(async () => {
                        if (
                          !window.confirm(`Delete ${d.name}? Its encryption key is destroyed; this cannot be undone.`)
                        )
                          return;
                        await del(`/api/v1/documents/${d.id}`);
                        await load();
                        return `${d.name} deleted.`;
                      })
                    }
                  />
                ))}
              </tbody>
            </table>
          )}
        </Section>
        {/* Mounted at once: its list of envelopes does not wait for the documents, it is filtered by them when shown. */}
        <EnvelopesPanel documents={documents} canWrite={canWrite} />
        <MatterWork matterId={id} canWrite={canWrite} />
        {me.role === 'org_admin' && <WallPanel matterId={id} orgId={me.org?.id ?? ''} />}
        {matter && <MatterHold matter={matter} isAdmin={me.role === 'org_admin'} onChanged={() => void load()} />}
      </div>
    </>
  );
}

function DocumentRow(props: {
  doc: DocumentMeta;
  expanded: boolean;
  canWrite: boolean;
  onToggle: () => void;
  onDownload: () => void;
  onDelete: () => void;
  onNewVersion: (doc: DocumentMeta) => void;
  matterHeld: boolean;
  isAdmin: boolean;
  onChanged: () => void;
}) {
  const { doc } = props;
  const [analyzing, setAnalyzing] = useState(false);
  return (
    <>
      <tr data-document={doc.name}>
        <td>
          <span className="doc-name">{doc.name}</span>
          {doc.version > 1 && <span className="badge">v{doc.version}</span>}
          <HoldBadge doc={doc} />
          <TagList doc={doc} />
        </td>
        <td>{formatBytes(doc.size)}</td>
        <td>{formatDate(doc.createdAt)}</td>
        <td className="actions">
          <PreviewButton doc={doc} />
          <AnalyzeButton doc={doc} open={analyzing} onToggle={() => setAnalyzing((a) => !a)} />
          <button type="button" className="btn btn-link" onClick={props.onDownload} aria-label={`Download ${doc.name}`}>
            Download
          </button>
          <button
            type="button"
            className="btn btn-link"
            onClick={props.onToggle}
            aria-expanded={props.expanded}
            aria-label={`Versions and sharing of ${doc.name}`}
          >
            Versions and sharing
          </button>
          {props.canWrite && (
            <button
              type="button"
              className="btn btn-link btn-link-danger"
              onClick={props.onDelete}
              aria-label={`Delete ${doc.name}`}
            >
              Delete
            </button>
          )}
        </td>
      </tr>
      {props.expanded && (
        <tr className="row-detail">
          <td colSpan={4}>
            <div className="detail-grid">
              <Versions doc={doc} canWrite={props.canWrite} onNewVersion={props.onNewVersion} />
              {props.canWrite && <ShareLinks doc={doc} />}
              <DocumentTags doc={doc} canWrite={props.canWrite} onChanged={props.onChanged} />
              <DocumentHold
                doc={doc}
                matterHeld={props.matterHeld}
                isAdmin={props.isAdmin}
                onChanged={props.onChanged}
              />
            </div>
          </td>
        </tr>
      )}
      {analyzing && <AnalyzeRow doc={doc} colSpan={4} />}
    </>
  );
}
