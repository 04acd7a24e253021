import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';

/** The app shell's one search: matters, clients and document names together (GET /api/v1/search). */
export function SearchBox() {
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const navigate = useNavigate();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = q.trim();
    if (text) void navigate(`/search?q=${encodeURIComponent(text)}`);
  };
  return (
    <form role="search" className="topbar-search" onSubmit={submit}>
      <label htmlFor="app-search" className="sr-only">
        Search matters, clients and documents
      </label>
      <input
        id="app-search"
        type="search"
        name="q"
        placeholder="Search matters, clients, documents"
        maxLength={200}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <button type="submit" className="btn btn-secondary btn-small">
        Search
      </button>
    </form>
  );
}
