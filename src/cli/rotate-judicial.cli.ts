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
import { openDatabase, pgliteDirectory } from '../platform/db/index.ts';
import { currentJudicialKek, unsafeRotateJudicialKey } from '../judicial/index.ts';

type Report = (line: string) => void;

/**
 * `chambers keys rotate-judicial [--new-key-file <file>]`, with every server stopped.
 *
 * Re-wraps the data key of every note, order and case document under a new judicial key
 * (the firm keys are not involved). The new key comes from a 0600 file (required when the
 * current one is in CHAMBERS_JUDICIAL_MASTER_KEY) or is generated. With the key in
 * <data>/keys/judicial-master.key, the new key is first staged as judicial-master.key.next,
 * so a crash at any point is finished by running the command again: the store is then
 * already under the staged key, and only the file swap remains.
 */
export async function runRotateJudicial(config: Config, args: string[], report: Report): Promise<void> {
  const fileFlag = args.indexOf('--new-key-file');
  const newKeyFile = fileFlag >= 0 ? args[fileFlag + 1] : undefined;
  if (fileFlag >= 0 && !newKeyFile)
    throw new StartupError('--new-key-file needs a file holding 32 random bytes in base64');
  const current = currentJudicialKek(config.dataDir, config.judicialMasterKey);
  const staged = `${current.file}.next`;

  let newKey: Buffer;
  if (current.source === 'env') {
    if (!newKeyFile) {
      throw new StartupError(
        'the judicial key comes from CHAMBERS_JUDICIAL_MASTER_KEY: put the new key (`openssl rand -base64 32`) in a file only you can read (chmod 600) and pass --new-key-file <file>',
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

  // The judicial store: its own database (JUDICIAL_DATABASE_URL), or schema `judicial` of the main one.
  const storeUrl = config.judicialDatabaseUrl ?? config.databaseUrl;
  // The embedded database's lock also proves no server is running on this data directory.
  const release = storeUrl ? () => undefined : acquireDirectoryLock(`${config.dataDir}/db.lock`);
  const db = storeUrl
    ? await openDatabase({ kind: 'postgres', ownerUrl: storeUrl, appUrl: storeUrl, appPoolSize: 1 })
    : await openDatabase({ kind: 'pglite', dataDir: pgliteDirectory(config.dataDir) });
  try {
    const done = await unsafeRotateJudicialKey(db, current.key, newKey);
    report(
      done
        ? `re-wrapped the keys of ${done.notes} note(s), ${done.orders} order(s) and ${done.documents} case document(s) under the new judicial key; no content or blob was touched`
        : 'the judicial store is already under the new judicial key',
    );
  } finally {
    await db.close();
    release();
  }

  if (current.source === 'env') {
    report(
      'now set CHAMBERS_JUDICIAL_MASTER_KEY to the content of the new key file on every server, then start them; the old judicial key no longer opens anything',
    );
    return;
  }
  replacePrivateFile(current.file, `${newKey.toString('base64')}\n`);
  fs.rmSync(staged, { force: true });
  report(
    `new judicial key written to ${current.file}; back it up now, apart from the firm keys (the old key no longer opens anything), then start the server(s)`,
  );
}

function parseKey(content: Buffer, file: string): Buffer {
  const text = content.toString('utf8').trim();
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32 || key.toString('base64') !== text)
    throw new StartupError(`${file} must hold 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
  return key;
}
