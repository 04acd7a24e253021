import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { del, get, patch, post } from '../../api/client.ts';
import { downloadFile } from '../../api/download.ts';
import { Alert, Button, Empty, Field, PageHeader, Section, SelectField } from '../../components/ui.tsx';
import { useFormAction } from '../../components/use-form-action.ts';
import { useMe } from '../../session/session.tsx';
import { ConfirmDialog, type Confirmation } from '../admin/ConfirmDialog.tsx';
import type { Client, ClientDetail, ClientKind } from './workspace-types.ts';

const KINDS = [
  { value: 'person', label: 'Person' },
  { value: 'company', label: 'Company' },
];

/** /clients: the firm's clients, searchable without accents; /clients/:id: one client, its contacts and matters. */
export default function Clients() {
  const { id } = useParams();
  return id ? <ClientPage id={id} /> : <ClientList />;
}

function ClientList() {
  const me = useMe();
  const canWrite = me.role === 'lawyer' || me.role === 'org_admin';
  const [clients, setClients] = useState<Client[] | null>(null);
  const [q, setQ] = useState('');
  const list = useFormAction();
  const load = useCallback(
    async (query?: string) =>
      setClients((await get<{ clients: Client[] }>('/api/v1/clients', { q: query || undefined })).clients),
    [],
  );
  useEffect(() => {
    load().catch(list.fail);
  }, [load, list.fail]);
  return (
    <>
      <PageHeader title="Clients" description="People and companies the firm acts for, and their contacts." />
      <div className="stack">
        <Alert>{list.error}</Alert>
        {canWrite && <NewClient onCreated={() => void load()} />}
        <Section title="All clients">
          <form className="search" role="search" aria-label="Clients" onSubmit={list.onSubmit(() => load(q))}>
            <Field
              label="Search clients"
              name="q"
              type="search"
              maxLength={200}
              value={q}
              onChange={(e) => setQ(e.target.value)}
            />
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </form>
          {clients && clients.length === 0 && <Empty>{q ? `No client matches “${q}”.` : 'No clients yet.'}</Empty>}
          {clients && clients.length > 0 && (
            <table className="table">
              <caption className="sr-only">Clients</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Email</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {clients.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/clients/${c.id}`}>{c.name}</Link>
                    </td>
                    <td>{c.kind === 'company' ? 'Company' : 'Person'}</td>
                    <td>{c.email ?? '—'}</td>
                    <td>{c.status === 'former' ? 'Former client' : 'Active'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      </div>
    </>
  );
}

function NewClient({ onCreated }: { onCreated: () => void }) {
  const [kind, setKind] = useState<ClientKind>('person');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const { busy, error, success, onSubmit } = useFormAction();
  const submit = onSubmit(async () => {
    await post('/api/v1/clients', {
      kind,
      name,
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
    });
    setName('');
    setEmail('');
    setPhone('');
    onCreated();
    return `Client ${name} added.`;
  });
  return (
    <Section title="Add a client">
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      <form onSubmit={submit} className="form-inline">
        <SelectField
          label="Kind"
          name="kind"
          value={kind}
          onChange={(v) => setKind(v === 'company' ? 'company' : 'person')}
          options={KINDS}
        />
        <Field
          label="Name"
          name="name"
          required
          maxLength={300}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          maxLength={254}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Phone"
          name="phone"
          type="tel"
          maxLength={50}
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
        />
        <Button type="submit" busy={busy}>
          Add client
        </Button>
      </form>
    </Section>
  );
}

function ClientPage({ id }: { id: string }) {
  const me = useMe();
  const canWrite = me.role === 'lawyer' || me.role === 'org_admin';
  const [client, setClient] = useState<ClientDetail | null>(null);
  const page = useFormAction();
  const load = useCallback(async () => setClient(await get<ClientDetail>(`/api/v1/clients/${id}`)), [id]);
  useEffect(() => {
    load().catch(page.fail);
  }, [load, page.fail]);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/clients">Clients</Link> <span aria-hidden="true">/</span> {client?.name ?? '…'}
      </p>
      <PageHeader
        title={client?.name ?? 'Client'}
        description={
          client
            ? `${client.kind === 'company' ? 'Company' : 'Person'}${client.status === 'former' ? ' · former client' : ''}`
            : undefined
        }
      />
      <div className="stack">
        <Alert>{page.error}</Alert>
        <Alert kind="success">{page.success}</Alert>
        {client && canWrite && (
          <EditClient
            client={client}
            onSaved={(message) => {
              page.succeed(message);
              void load();
            }}
          />
        )}
        {client && <Contacts client={client} canWrite={canWrite} onChanged={() => void load()} />}
        {client && (
          <Section title="Matters" description="The matters this client is a party to (those you may see).">
            {client.matters.length === 0 && <Empty>Not a party to any matter yet.</Empty>}
            {client.matters.length > 0 && (
              <ul aria-label="Matters of this client">
                {client.matters.map((m) => (
                  <li key={m.matterId}>
                    <Link to={`/matters/${m.matterId}`}>{m.title}</Link> <span className="muted">· {m.role}</span>
                  </li>
                ))}
              </ul>
            )}
          </Section>
        )}
        {client && canWrite && (
          <PersonalData client={client} isAdmin={me.role === 'org_admin'} onErased={() => void load()} />
        )}
      </div>
    </>
  );
}

/**
 * A data-subject request made for the client (GDPR Art. 15 and 17): the export for lawyers and
 * administrators, the erasure for administrators, confirmed first since it cannot be taken back.
 */
function PersonalData({ client, isAdmin, onErased }: { client: ClientDetail; isAdmin: boolean; onErased: () => void }) {
  const { busy, error, success, run } = useFormAction();
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const exportData = () =>
    void run(async () => {
      await downloadFile(`/api/v1/clients/${client.id}/personal-data`, `chambers-client-${client.id.slice(0, 8)}.json`);
      return 'Personal data downloaded (JSON). The export is recorded in the audit trail.';
    });
  const erase = () =>
    void run(async () => {
      const res = await post<{ pseudonym: string; review: { unlinkedParties: number; matterTitles: number } }>(
        `/api/v1/clients/${client.id}/erase`,
        { confirmation: 'ERASE' },
      );
      onErased();
      const left = res.review.unlinkedParties + res.review.matterTitles;
      return `Personal data erased: the client is now “${res.pseudonym}”.${
        left > 0 ? ` ${left} record(s) only named alike or titled with the name are left for you to review.` : ''
      }`;
    });
  return (
    <Section
      title="Personal data"
      description="For the person's requests: a copy of everything the firm holds about them, or its erasure."
    >
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      <div className="form-actions">
        <Button variant="secondary" busy={busy} onClick={exportData}>
          Export personal data
        </Button>
        {isAdmin && (
          <Button
            variant="danger"
            busy={busy}
            onClick={() =>
              setConfirmation({
                title: `Erase the personal data of ${client.name}?`,
                consequence: (
                  <p>
                    The name, email, phone and address are replaced by a pseudonym on this client, its parties and its
                    matters, and its contacts are deleted. Matters and documents stay. This cannot be undone. A matter
                    under legal hold stops the erasure.
                  </p>
                ),
                confirmLabel: 'Erase personal data',
                onConfirm: erase,
              })
            }
          >
            Erase personal data
          </Button>
        )}
      </div>
      <ConfirmDialog confirmation={confirmation} onClose={() => setConfirmation(null)} />
    </Section>
  );
}

function EditClient({ client, onSaved }: { client: ClientDetail; onSaved: (message: string) => void }) {
  const [name, setName] = useState(client.name);
  const [email, setEmail] = useState(client.email ?? '');
  const [phone, setPhone] = useState(client.phone ?? '');
  const [address, setAddress] = useState(client.address ?? '');
  const [status, setStatus] = useState(client.status);
  const { busy, error, onSubmit } = useFormAction();
  const submit = onSubmit(async () => {
    await patch(`/api/v1/clients/${client.id}`, {
      name,
      email: email || null,
      phone: phone || null,
      address: address || null,
      status,
    });
    onSaved('Client saved.');
  });
  return (
    <Section title="Details" description="Contact details are personal data: they are covered by export and erasure.">
      <Alert>{error}</Alert>
      <form onSubmit={submit}>
        <Field
          label="Name"
          name="name"
          required
          maxLength={300}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          maxLength={254}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Phone"
          name="phone"
          type="tel"
          maxLength={50}
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
        />
        <Field
          label="Address"
          name="address"
          maxLength={1000}
          value={address}
          onChange={(e) => setAddress(e.target.value)}
        />
        <SelectField
          label="Status"
          name="status"
          value={status}
          onChange={(v) => setStatus(v === 'former' ? 'former' : 'active')}
          options={[
            { value: 'active', label: 'Active client' },
            { value: 'former', label: 'Former client (still found by conflict checks)' },
          ]}
        />
        <Button type="submit" busy={busy}>
          Save client
        </Button>
      </form>
    </Section>
  );
}

function Contacts({ client, canWrite, onChanged }: { client: ClientDetail; canWrite: boolean; onChanged: () => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const { busy, error, success, onSubmit, run } = useFormAction();
  const submit = onSubmit(async () => {
    await post(`/api/v1/clients/${client.id}/contacts`, {
      name,
      ...(role ? { role } : {}),
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
    });
    setName('');
    setRole('');
    setEmail('');
    setPhone('');
    onChanged();
    return `Contact ${name} added.`;
  });
  return (
    <Section title="Contacts">
      <Alert>{error}</Alert>
      <Alert kind="success">{success}</Alert>
      {client.contacts.length === 0 && <Empty>No contacts yet.</Empty>}
      {client.contacts.length > 0 && (
        <table className="table">
          <caption className="sr-only">Contacts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Email</th>
              <th scope="col">Phone</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {client.contacts.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{c.role ?? '—'}</td>
                <td>{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : '—'}</td>
                <td>{c.phone ?? '—'}</td>
                <td className="actions">
                  {canWrite && (
                    <button
                      type="button"
                      className="btn btn-link btn-link-danger"
                      aria-label={`Remove contact ${c.name}`}
                      onClick={() =>
                        void run(async () => {
                          await del(`/api/v1/clients/${client.id}/contacts/${c.id}`);
                          onChanged();
                          return `Contact ${c.name} removed.`;
                        })
                      }
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite && (
        <form onSubmit={submit} className="form-inline">
          <Field
            label="Contact name"
            name="contactName"
            required
            maxLength={300}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <Field
            label="Contact role"
            name="contactRole"
            maxLength={100}
            value={role}
            onChange={(e) => setRole(e.target.value)}
          />
          <Field
            label="Contact email"
            name="contactEmail"
            type="email"
            maxLength={254}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <Field
            label="Contact phone"
            name="contactPhone"
            type="tel"
            maxLength={50}
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
          />
          <Button type="submit" busy={busy}>
            Add contact
          </Button>
        </form>
      )}
    </Section>
  );
}
