import { useCallback, useEffect, useState } from 'react';
import { del, get, post } from '../../api/client.ts';
import type { DocumentMeta, ShareLink, ShareLinkList, ShareLinkSummary } from '../../api/types.ts';
import { Alert, Button, Field, SelectField, formatDate } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';

/** The public page for a share link: /share/<token> (the bytes stay at /s/<token>). */
export function sharePageUrl(link: ShareLink): string {
  const token = new URL(link.url, window.location.origin).pathname.split('/').pop() ?? '';
  return `${window.location.origin}/share/${token}`;
}

export function ShareLinks({ doc }: { doc: DocumentMeta }) {
  const [links, setLinks] = useState<ShareLink[]>([]);
  const [days, setDays] = useState('7');
  const [passcode, setPasscode] = useState('');
  const { busy, error, run, onSubmit } = useFormAction();
  const [copied, setCopied] = useState<string | null>(null);
  // Links made earlier: the server keeps only a hash of each token, so their URLs cannot be shown again.
  const [existing, setExisting] = useState<ShareLinkSummary[]>([]);
  const loadExisting = useCallback(async () => {
    setExisting(
      (await get<ShareLinkList>(`/api/v1/documents/${doc.id}/share-links`)).shareLinks.filter((l) => !l.revokedAt),
    );
  }, [doc.id]);
  useEffect(() => {
    loadExisting().catch(() => undefined);
  }, [loadExisting]);

  const create = onSubmit(async () => {
    const link = await post<ShareLink>(`/api/v1/documents/${doc.id}/share-links`, {
      expiresInDays: Number(days),
      ...(passcode ? { passcode } : {}),
    });
    setLinks((l) => [link, ...l]);
    setPasscode('');
    await loadExisting();
  });
  const revoke = (link: { id: string }) =>
    run(async () => {
      await del(`/api/v1/share-links/${link.id}`);
      setLinks((l) => l.filter((x) => x.id !== link.id));
      await loadExisting();
    });
  const copy = async (link: ShareLink) => {
    await navigator.clipboard.writeText(sharePageUrl(link)).catch(() => undefined);
    setCopied(link.id);
  };
  return (
    <div>
      <h3>Share links</h3>
      <Alert>{error}</Alert>
      <form onSubmit={create} className="form-inline">
        <SelectField
          label="Expires after"
          value={days}
          onChange={setDays}
          options={[1, 2, 3, 7].map((d) => ({ value: String(d), label: `${d} day${d > 1 ? 's' : ''}` }))}
        />
        <Field
          label="Passcode (optional)"
          name="passcode"
          type="password"
          autoComplete="new-password"
          maxLength={128}
          value={passcode}
          onChange={(e) => setPasscode(e.target.value)}
        />
        <Button type="submit" busy={busy}>
          Create link
        </Button>
      </form>
      {links.length > 0 && (
        <ul className="share-links">
          {links.map((l) => (
            <li key={l.id}>
              <input
                className="share-url"
                readOnly
                value={sharePageUrl(l)}
                aria-label={`Share link for ${doc.name}`}
                data-testid="share-url"
              />
              <span className="muted">until {formatDate(l.expiresAt)}</span>
              <Button variant="secondary" onClick={() => void copy(l)}>
                {copied === l.id ? 'Copied' : 'Copy'}
              </Button>
              <Button variant="link" onClick={() => void revoke(l)}>
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
      {existing.filter((e) => !links.some((l) => l.id === e.id)).length > 0 && (
        <table className="table table-compact">
          <caption className="caption">Active links</caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Protection</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {existing
              .filter((e) => !links.some((l) => l.id === e.id))
              .map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.createdAt)}</td>
                  <td>{formatDate(e.expiresAt)}</td>
                  <td>{e.locked ? 'Locked (wrong passcodes)' : e.hasPasscode ? 'Passcode' : 'Link only'}</td>
                  <td className="actions">
                    <Button
                      variant="link"
                      onClick={() => void revoke(e)}
                      aria-label={`Revoke the link created ${formatDate(e.createdAt)}`}
                    >
                      Revoke
                    </Button>
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
