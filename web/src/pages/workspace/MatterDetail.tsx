import { useCallback, useEffect, useRef, useState, type ChangeEvent } from 'react';
import { Link, useParams } from 'react-router';
import { del, get } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import type { DocumentList, DocumentMeta, Matter } from '../../api/types.ts';
import { Alert, Empty, PageHeader, Section, formatBytes, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { useMe } from '../../session/session.tsx';
import { ShareLinks } from './ShareLinks.tsx';
import { uploadWithProgress } from './upload.ts';
import { Versions } from './Versions.tsx';
import { WallPanel } from './WallPanel.tsx';

export default function MatterDetail() {
  const { id = '' } = useParams();
  const me = useMe();
  const [matter, setMatter] = useState<Matter | null>(null);
  const [documents, setDocuments] = useState<DocumentMeta[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  // The page's one outcome line: uploads, downloads and deletes of its documents.
  const { error, success: notice, run, fail, succeed } = useFormAction();
  const canWrite = me.role === 'lawyer' || me.role === 'org_admin';

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
        {canWrite && (
          <Uploader
            matterId={id}
            onUploaded={(doc) => {
              succeed(`${doc.name} uploaded.`);
              void load();
            }}
          />
        )}
        <Section
          title="Documents"
          description="Encrypted at rest; every download and share is recorded in the audit trail."
        >
          {documents && documents.length === 0 && <Empty>No documents in this matter yet.</Empty>}
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
                {documents.map((d) => (
                  <DocumentRow
                    key={d.id}
                    doc={d}
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
        {me.role === 'org_admin' && <WallPanel matterId={id} orgId={me.org?.id ?? ''} />}
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
}) {
  const { doc } = props;
  return (
    <>
      <tr data-document={doc.name}>
        <td>
          <span className="doc-name">{doc.name}</span>
          {doc.version > 1 && <span className="badge">v{doc.version}</span>}
        </td>
        <td>{formatBytes(doc.size)}</td>
        <td>{formatDate(doc.createdAt)}</td>
        <td className="actions">
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
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function Uploader({ matterId, onUploaded }: { matterId: string; onUploaded: (doc: DocumentMeta) => void }) {
  const [progress, setProgress] = useState<number | null>(null);
  const { error, run } = useFormAction();
  const input = useRef<HTMLInputElement>(null);
  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setProgress(0);
    await run(async () =>
      onUploaded(await uploadWithProgress<DocumentMeta>(`/api/v1/matters/${matterId}/documents`, file, setProgress)),
    );
    setProgress(null);
    if (input.current) input.current.value = '';
  };
  return (
    <Section
      title="Upload a document"
      description="Files are scanned, then encrypted with their own key before they are stored."
    >
      <Alert>{error}</Alert>
      <div className="field">
        <label htmlFor="upload-file">Choose a file</label>
        <input
          id="upload-file"
          ref={input}
          type="file"
          name="file"
          onChange={(e) => void choose(e)}
          disabled={progress !== null}
        />
      </div>
      {progress !== null && (
        <div className="progress-wrap">
          <label htmlFor="upload-progress">Uploading… {Math.round(progress * 100)}%</label>
          <progress id="upload-progress" max={1} value={progress} />
        </div>
      )}
    </Section>
  );
}
