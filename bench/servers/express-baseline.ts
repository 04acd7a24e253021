// Child process: the insecure baseline the hot path is measured against — Express + jsonwebtoken + pg, a /me that verifies an RS256 token and reads the user.
import crypto from 'node:crypto';
import express from 'express';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const { rows } = await pool.query<{ id: string }>("SELECT id FROM chambers.users WHERE email = 'bench@example.com'");
const token = jwt.sign({ sub: rows[0]?.id }, privateKey, {
  algorithm: 'RS256',
  expiresIn: '30m',
  audience: 'bench',
  issuer: 'bench',
});

const app = express();
app.get('/api/v1/me', async (req, res) => {
  try {
    const header = req.headers.authorization ?? '';
    const claims = jwt.verify(header.slice(7), publicKey, {
      algorithms: ['RS256'],
      audience: 'bench',
      issuer: 'bench',
    }) as { sub: string };
    const r = await pool.query('SELECT id, email, name FROM chambers.users WHERE id = $1', [claims.sub]);
    res.json({ user: r.rows[0] });
  } catch {
    res.status(401).json({ error: 'unauthorized' });
  }
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0, accessToken: token });
});
process.on('message', (m) => {
  if (m === 'stop') {
    server.close();
    void pool.end().then(() => process.exit(0));
  }
});
