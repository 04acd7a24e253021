import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type TestTsa = {
  url: string;
  caFile: string;
  tsaCertFile: string;
  /** Requests answered so far. */
  requests: number;
  /** When set, the server answers 503 (a TSA outage). */
  down: boolean;
  close(): Promise<void>;
};

/**
 * A local RFC 3161 time-stamp authority: a throwaway CA, a TSA certificate with the
 * critical timeStamping EKU, and `openssl ts -reply` behind a tiny HTTP server. No network.
 */
export async function startTestTsa(): Promise<TestTsa> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chambers-tsa-'));
  const p = (f: string) => path.join(dir, f);
  const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  sh([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    '/CN=Chambers Test TSA CA',
    '-days',
    '2',
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.pem'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  sh([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    '/CN=Chambers Test TSA',
    '-keyout',
    p('tsa.key'),
    '-out',
    p('tsa.csr'),
  ]);
  fs.writeFileSync(
    p('tsa.ext'),
    'extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n',
  );
  sh([
    'x509',
    '-req',
    '-in',
    p('tsa.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    p('tsa.ext'),
    '-out',
    p('tsa.pem'),
  ]);
  fs.writeFileSync(p('serial'), '01\n');
  fs.writeFileSync(
    p('tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `dir = ${dir}`,
      'serial = $dir/serial',
      'signer_cert = $dir/tsa.pem',
      'certs = $dir/ca.pem',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256',
      'accuracy = secs:1',
      'ordering = no',
      'tsa_name = no',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (tsa.down) {
        res.writeHead(503).end();
        return;
      }
      const id = ++n;
      const q = p(`q${id}.tsq`);
      const r = p(`r${id}.tsr`);
      fs.writeFileSync(q, Buffer.concat(chunks));
      run('openssl', ['ts', '-reply', '-config', p('tsa.cnf'), '-queryfile', q, '-out', r])
        .then(() => {
          tsa.requests += 1;
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(fs.readFileSync(r));
        })
        .catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const tsa: TestTsa = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsr`,
    caFile: p('ca.pem'),
    tsaCertFile: p('tsa.pem'),
    requests: 0,
    down: false,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return tsa;
}
