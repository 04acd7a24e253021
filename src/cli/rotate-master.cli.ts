import fs from 'node:fs';
import type { Config } from '../platform/config.ts';
import { randomBytes } from '../platform/crypto-basics.ts';
import {
  StartupError,
  acquireDirectoryLock,
  readPrivateFile,
  replacePrivateFile,
  writePrivateFile,
} from '../platform/data-dir.ts';
import { openDatabase, pgliteDirectory, runtimeDbPassword, setRuntimePassword } from '../platform/db/index.ts';
import { keyPaths, loadOrCreateKeys } from '../platform/keys.ts';
import { unsafeRotateMasterKey } from '../crypto/index.ts';

type Report = (line: string) => void;

/**
 * `chambers keys rotate-master [--new-key-file <file>]`, with every server stopped.
 *
 * The new key comes from a 0600 file (required when the current key is in
 * CHAMBERS_MASTER_KEY) or is generated. With the key in <data>/keys/master.key,
 * the new key is first staged as master.key.next, so a crash at any point can be
 * finished by running the command again: the database is then already under the
 * staged key, and only the file swap remains.
 */
export async function runRotateMaster(config: Config, args: string[], report: Report): Promise<void> {
  const fileFlag = args.indexOf('--new-key-file');
  const newKeyFile = fileFlag >= 0 ? args[fileFlag + 1] : undefined;
  if (fileFlag >= 0 && !newKeyFile)
    throw new StartupError('--new-key-file needs a file holding 32 random bytes in base64');
  const paths = keyPaths(config.dataDir);
  if (!fs.existsSync(paths.jwt)) throw new StartupError('no keys yet: start Chambers once first');
  const current = loadOrCreateKeys(config.dataDir, { masterKeyFromEnv: config.masterKey, hasExistingData: true });
  const staged = `${paths.master}.next`;

  let newKey: Buffer;
  if (current.masterKeySource === 'env') {
    if (!newKeyFile) {
      throw new StartupError(
        'the master key comes from CHAMBERS_MASTER_KEY: put the new key (`openssl rand -base64 32`) in a file only you can read (chmod 600) and pass --new-key-file <file>',
      );
    }
    newKey = parseKey(readPrivateFile(newKeyFile), newKeyFile);
  } else if (fs.existsSync(staged)) {
    newKey = parseKey(readPrivateFile(staged), staged);
    report(`finishing an interrupted rotation with the staged key ${staged}`);
  } else {
    newKey = newKeyFile ? parseKey(readPrivateFile(newKeyFile), newKeyFile) : randomBytes(32);
    writePrivateFile(staged, `${newKey.toString('base64')}\n`);
  }

  // The embedded database's lock also proves no server is running on this data directory.
  const release = config.databaseUrl ? () => undefined : acquireDirectoryLock(`${config.dataDir}/db.lock`);
  const db = config.databaseUrl
    ? await openDatabase({ kind: 'postgres', ownerUrl: config.databaseUrl, appUrl: config.databaseUrl, appPoolSize: 1 })
    : await openDatabase({ kind: 'pglite', dataDir: pgliteDirectory(config.dataDir) });
  try {
    const done = await unsafeRotateMasterKey(db, current.masterKey, newKey);
    if (done) {
      report(
        `re-wrapped ${done.orgKeys} organization key(s) and ${done.wrappedKeys} personal audit/export key(s), and re-sealed ${done.sealedSecrets} secret(s) under the new master key; no document blob was touched`,
      );
      if (done.invalidated.backupCodeUsers)
        report(
          `warning: ${done.invalidated.backupCodeUsers} user(s) have backup codes hashed under the old key; they no longer verify, so those users should generate new ones`,
        );
      if (done.invalidated.trustedDevices)
        report(`note: ${done.invalidated.trustedDevices} trusted device(s) will be asked for a second factor again`);
    } else {
      report('the database is already under the new master key');
    }
    if (config.databaseUrl && !config.databaseAppUrl) await setRuntimePassword(db, runtimeDbPassword(newKey));
  } finally {
    await db.close();
    release();
  }

  if (current.masterKeySource === 'env') {
    report(
      'now set CHAMBERS_MASTER_KEY to the content of the new key file on every server, then start them; the old key no longer opens anything',
    );
    return;
  }
  replacePrivateFile(paths.master, `${newKey.toString('base64')}\n`);
  fs.rmSync(staged, { force: true });
  report(
    `new master key written to ${paths.master}; back it up now (the old key no longer opens anything), then start the server(s)`,
  );
}

function parseKey(content: Buffer, file: string): Buffer {
  const text = content.toString('utf8').trim();
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32 || key.toString('base64') !== text)
    throw new StartupError(`${file} must hold 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
  return key;
}
