// Child process: the insecure baseline the hot path is measured against — Express + jsonwebtoken + a plain query:
// a /me that verifies an RS256 token and reads the user, and the matter and document lists read by org id alone
// (no session check, no transaction, no row-level security). The lists read the fields Chambers' answers carry
// (a matter's team; a document's matter hold and retention), so the ratio measures the security, not the payload.
// Its sign-in is the least one can be: read the user, verify the password with Chambers' own argon2id, store a
// session row, sign an RS256 token (no lockout, audit, device check or second factor).
// On PostgreSQL (BENCH_DATABASE_URL) it reads the rows the Chambers bench server seeded; without it, it opens its
// own embedded PGlite on disk with Chambers' schema and seeds the same.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { CompiledQuery } from 'kysely';
import { migrate, openDatabase } from '../../src/platform/db/index.ts';
import { verifyPassword } from '../../src/accounts/password-hash.ts';
import { seedBaselinePglite } from './baseline-pglite-seed.ts';

type Query = <R>(text: string, values: unknown[]) => Promise<R[]>;

async function connect(): Promise<{ query: Query; close: () => Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    return {
      query: async <R>(text: string, values: unknown[]) => (await pool.query(text, values)).rows as R[],
      close: () => pool.end(),
    };
  }
  // On disk, as Chambers' embedded mode keeps its data (an in-memory baseline would skip the file system).
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-baseline-'));
  const db = await openDatabase({ kind: 'pglite', dataDir });
  await migrate(db);
  await seedBaselinePglite(db, process.env.BENCH_LOGIN_PASSWORD ?? '');
  return {
    // The same engine as Chambers' embedded mode, queried as its owner: no role switch, no tenant settings.
    query: async <R>(text: string, values: unknown[]) =>
      (await db.owner.executeQuery<R>(CompiledQuery.raw(text, values))).rows as R[],
    close: async () => {
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const database = await connect();
// The baseline's own session table, beside Chambers' schema (created as the connecting login, the owner).
await database.query('CREATE SCHEMA IF NOT EXISTS bench_login_baseline', []);
await database.query(
  `CREATE TABLE IF NOT EXISTS bench_login_baseline.sessions (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(), user_id uuid NOT NULL, refresh_hash bytea NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now())`,
  [],
);
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const [member] = await database.query<{ id: string; org_id: string; password_hash: string | null }>(
  "SELECT u.id, m.org_id, u.password_hash FROM chambers.users u JOIN chambers.memberships m ON m.user_id = u.id WHERE u.email = 'bench@example.com'",
  [],
);
const token = jwt.sign({ sub: member?.id, org: member?.org_id }, privateKey, {
  algorithm: 'RS256',
  expiresIn: '30m',
  audience: 'bench',
  issuer: 'bench',
});

function claimsOf(req: express.Request): { sub: string; org: string } {
  const header = req.headers.authorization ?? '';
  return jwt.verify(header.slice(7), publicKey, { algorithms: ['RS256'], audience: 'bench', issuer: 'bench' }) as {
    sub: string;
    org: string;
  };
}

const verifyOnlyHash = member?.password_hash ?? '';
const app = express();
// Only the hash, served: the same request and the same argon2id under the same load, and nothing else.
app.post('/bench/verify-only', express.json(), async (req, res) => {
  const { password } = req.body as { password?: unknown };
  if (typeof password !== 'string' || !(await verifyPassword(verifyOnlyHash, password)))
    return void res.status(401).json({ error: 'invalid_credentials' });
  res.json({ ok: true });
});
app.post('/api/v1/auth/login', express.json(), async (req, res) => {
  const { email, password } = req.body as { email?: unknown; password?: unknown };
  if (typeof email !== 'string' || typeof password !== 'string') return void res.status(400).json({ error: 'bad' });
  const [user] = await database.query<{ id: string; org_id: string; password_hash: string | null }>(
    `SELECT u.id, m.org_id, u.password_hash FROM chambers.users u JOIN chambers.memberships m ON m.user_id = u.id
      WHERE u.email = $1 LIMIT 1`,
    [email],
  );
  if (!user?.password_hash || !(await verifyPassword(user.password_hash, password)))
    return void res.status(401).json({ error: 'invalid_credentials' });
  const refreshToken = crypto.randomBytes(32).toString('base64url');
  const [session] = await database.query<{ id: string }>(
    'INSERT INTO bench_login_baseline.sessions (user_id, refresh_hash) VALUES ($1, $2) RETURNING id',
    [user.id, crypto.createHash('sha256').update(refreshToken).digest()],
  );
  const accessToken = jwt.sign({ sub: user.id, org: user.org_id, sid: session?.id }, privateKey, {
    algorithm: 'RS256',
    expiresIn: '15m',
    audience: 'bench',
    issuer: 'bench',
  });
  res.json({ accessToken, refreshToken });
});
app.get('/api/v1/me', async (req, res) => {
  try {
    const claims = claimsOf(req);
    const rows = await database.query('SELECT id, email, name FROM chambers.users WHERE id = $1', [claims.sub]);
    res.json({ user: rows[0] });
  } catch {
    res.status(401).json({ error: 'unauthorized' });
  }
});
app.get('/api/v1/matters', async (req, res) => {
  try {
    const claims = claimsOf(req);
    const rows = await database.query(
      `SELECT id, title, reference, client_name, status, legal_hold, matter_type, practice_area, client_id,
              responsible_user_id, closed_at, created_by, created_at, updated_at,
              (SELECT coalesce(array_agg(t.user_id ORDER BY t.created_at, t.user_id), '{}')
                 FROM chambers.matter_team_members t WHERE t.matter_id = matters.id) AS team_ids
         FROM chambers.matters WHERE org_id = $1 AND status = 'open' ORDER BY created_at DESC, id DESC LIMIT 51`,
      [claims.org],
    );
    res.json({ matters: rows });
  } catch {
    res.status(401).json({ error: 'unauthorized' });
  }
});
app.get('/api/v1/matters/:id/documents', async (req, res) => {
  try {
    const claims = claimsOf(req);
    const rows = await database.query(
      `SELECT d.id, d.matter_id, d.name, d.tags, d.current_version, d.legal_hold, d.created_by, d.created_at,
              d.updated_at, v.id AS version_id, v.size, v.sha256, v.content_type, v.scan_status, v.created_at AS version_created_at,
              m.legal_hold AS matter_legal_hold, p.retention_days, p.retention_tag
         FROM chambers.documents d JOIN chambers.document_versions v ON v.document_id = d.id AND v.version = d.current_version
         JOIN chambers.matters m ON m.id = d.matter_id
         LEFT JOIN chambers.document_policies p ON p.org_id = d.org_id
        WHERE d.org_id = $1 AND d.matter_id = $2 AND d.deleted_at IS NULL ORDER BY d.created_at DESC, d.id LIMIT 1000`,
      [claims.org, req.params.id],
    );
    res.json({ documents: rows });
  } catch {
    res.status(401).json({ error: 'unauthorized' });
  }
});
// The hash served with the least HTTP there is: bare node:http, the body parsed by hand, in this same process.
const bare = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let password: unknown;
    try {
      ({ password } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { password?: unknown });
    } catch {
      password = undefined;
    }
    void (typeof password === 'string' ? verifyPassword(verifyOnlyHash, password) : Promise.resolve(false)).then((ok) =>
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(ok ? '{"ok":true}' : '{"ok":false}'),
    );
  });
});
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const bareAddress = bare.address();
  process.send?.({
    port: typeof address === 'object' && address ? address.port : 0,
    barePort: typeof bareAddress === 'object' && bareAddress ? bareAddress.port : 0,
    accessToken: token,
  });
});
process.on('message', (m) => {
  if (m === 'stop') {
    server.close();
    bare.close();
    void database.close().then(() => process.exit(0));
  }
});
