/**
 * The SQLite file under the store: `capstan.db` in the data directory, one row per
 * object plus a meta row holding the last revision (deletes leave no row behind, and a
 * revision must never be reused after a restart).
 *
 * Durability: WAL with `synchronous = FULL` fsyncs the log at every COMMIT, so a write
 * whose transaction committed survives a crash or power loss. `locking_mode = EXCLUSIVE`
 * keeps a second process from opening the same store (the in-memory cache assumes it is
 * the only writer) and lets WAL work without the shared-memory index.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CapstanError } from '../../core/errors.js';
import type { StoreKey } from './types.js';

/** The schema this code writes; a file with a higher `user_version` is refused. */
export const SCHEMA_VERSION = 1;
/** `PRAGMA application_id` of a Capstan store ('CPST'), so we never adopt some other SQLite file. */
const APPLICATION_ID = 0x43505354;
/** The database file's name inside the data directory. */
export const DB_FILE = 'capstan.db';

const SCHEMA = `
  CREATE TABLE objects (
    api_group TEXT NOT NULL,
    resource TEXT NOT NULL,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    revision INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (api_group, resource, namespace, name)
  ) WITHOUT ROWID;
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO meta (key, value) VALUES ('revision', 0);
`;

/** One row change of a batch. */
export type RowChange =
  { op: 'put'; key: StoreKey; revision: number; json: string } | { op: 'delete'; key: StoreKey };

/** A row as loaded at open. */
export interface LoadedRow {
  key: StoreKey;
  revision: number;
  json: string;
}

/** The store's SQLite database. */
export class Database {
  private readonly db: BetterSqlite3.Database;
  private readonly putRow: BetterSqlite3.Statement;
  private readonly deleteRow: BetterSqlite3.Statement;
  private readonly setRevision: BetterSqlite3.Statement;
  private readonly commitBatch: (changes: RowChange[], revision: number) => void;

  /** Opens (creating if needed) the database in `dataDir`; throws a CapstanError `STORE_*` on failure. */
  constructor(readonly dataDir: string) {
    const file = path.join(dataDir, DB_FILE);
    const created = prepareDirectory(dataDir, file);
    // A short busy timeout: the only other holder of the lock is another store process,
    // which keeps it for its lifetime, so waiting longer would not help.
    this.db = new BetterSqlite3(file, { timeout: 200 });
    try {
      this.configure(file);
      this.migrate(file);
    } catch (e) {
      this.db.close();
      throw e;
    }
    if (created) syncDirectory(dataDir);
    this.putRow = this.db.prepare(
      `INSERT INTO objects (api_group, resource, namespace, name, revision, value) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET revision = excluded.revision, value = excluded.value`,
    );
    this.deleteRow = this.db.prepare(
      'DELETE FROM objects WHERE api_group = ? AND resource = ? AND namespace = ? AND name = ?',
    );
    this.setRevision = this.db.prepare("UPDATE meta SET value = ? WHERE key = 'revision'");
    this.commitBatch = this.db.transaction((changes: RowChange[], revision: number) => {
      for (const c of changes) {
        const { group, resource, namespace, name } = c.key;
        if (c.op === 'put') this.putRow.run(group, resource, namespace, name, c.revision, c.json);
        else this.deleteRow.run(group, resource, namespace, name);
      }
      this.setRevision.run(revision);
    });
  }

  /** Every stored row and the last revision ever committed. */
  load(): { rows: LoadedRow[]; revision: number } {
    const rows: LoadedRow[] = [];
    let revision = Number(
      this.db.prepare("SELECT value FROM meta WHERE key = 'revision'").pluck().get() ?? 0,
    );
    const select = this.db.prepare(
      'SELECT api_group, resource, namespace, name, revision, value FROM objects',
    );
    for (const row of select.raw().iterate() as Iterable<[string, string, string, string, number, string]>) {
      const [group, resource, namespace, name, rev, json] = row;
      rows.push({ key: { group, resource, namespace, name }, revision: rev, json });
      // The meta row is written in the same transaction as the rows, so this never
      // changes anything; it only guards against a hand-edited file reusing revisions.
      if (rev > revision) revision = rev;
    }
    return { rows, revision };
  }

  /** Applies the changes and the new revision in one transaction; returns after COMMIT (fsynced). */
  commit(changes: RowChange[], revision: number): void {
    this.commitBatch(changes, revision);
  }

  close(): void {
    this.db.close();
  }

  private configure(file: string): void {
    try {
      this.db.pragma('locking_mode = EXCLUSIVE');
      const mode = this.db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`journal_mode is ${String(mode)}, not wal`);
      this.db.pragma('synchronous = FULL');
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY') {
        throw new CapstanError(
          'STORE_LOCKED',
          `the store ${file} is in use by another process; stop it or choose another data directory`,
          { file },
          e,
        );
      }
      throw new CapstanError(
        'STORE_OPEN_FAILED',
        `cannot open the store ${file}: ${(e as Error).message}`,
        { file },
        e,
      );
    }
  }

  /** Creates the schema in a new file; refuses files of another application or a newer Capstan. */
  private migrate(file: string): void {
    const version = Number(this.db.pragma('user_version', { simple: true }));
    const appId = Number(this.db.pragma('application_id', { simple: true }));
    if (version > SCHEMA_VERSION) {
      throw new CapstanError(
        'STORE_SCHEMA_TOO_NEW',
        `the store ${file} has schema version ${version}, written by a newer Capstan; this one reads up to ${SCHEMA_VERSION}: upgrade Capstan`,
        { file, version, supported: SCHEMA_VERSION },
      );
    }
    const tables = Number(
      this.db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck().get(),
    );
    if ((appId !== 0 && appId !== APPLICATION_ID) || (version === 0 && tables > 0)) {
      throw new CapstanError('STORE_NOT_A_STORE', `${file} is an SQLite database but not a Capstan store`, {
        file,
      });
    }
    if (version === SCHEMA_VERSION) return;
    this.db.transaction(() => {
      this.db.exec(SCHEMA);
      this.db.pragma(`application_id = ${APPLICATION_ID}`);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }
}

/** Creates the data directory (mode 0700: the store holds Secrets); returns whether the file is new. */
function prepareDirectory(dataDir: string, file: string): boolean {
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new CapstanError(
      'STORE_OPEN_FAILED',
      `cannot create the store's data directory ${dataDir}: ${(e as Error).message}`,
      { dataDir },
      e,
    );
  }
  return !fs.existsSync(file);
}

/** Makes a new file's directory entry durable: SQLite syncs the WAL's entry but not the main file's. */
function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
