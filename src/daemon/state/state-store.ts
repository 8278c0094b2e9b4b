/**
 * The daemon's own durable state (ARCHITECTURE: "durable before acknowledged"): pull
 * requests seen by webhooks, for preview environments, and the history of syncs. One
 * SQLite file, `daemon.db`, in the daemon's data directory; every write commits before it
 * returns.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CapstanError } from '../../core/index.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS pull_requests (
    repo TEXT NOT NULL,
    number INTEGER NOT NULL,
    provider TEXT NOT NULL,
    state TEXT NOT NULL,
    last_action TEXT NOT NULL,
    title TEXT,
    head_branch TEXT NOT NULL,
    head_sha TEXT,
    base_branch TEXT NOT NULL,
    url TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (repo, number)
  );
  CREATE TABLE IF NOT EXISTS syncs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app TEXT NOT NULL,
    requested_revision TEXT NOT NULL,
    revision TEXT,
    reason TEXT NOT NULL,
    priority TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    result TEXT,
    message TEXT,
    objects INTEGER
  );
  CREATE INDEX IF NOT EXISTS syncs_by_app ON syncs (app, id);
  CREATE TABLE IF NOT EXISTS revisions (
    app TEXT NOT NULL,
    revision TEXT NOT NULL,
    objects TEXT NOT NULL,
    subject TEXT,
    author TEXT,
    healthy_at INTEGER,
    PRIMARY KEY (app, revision)
  );
  CREATE TABLE IF NOT EXISTS app_state (
    app TEXT PRIMARY KEY,
    failed_revision TEXT,
    failed_reason TEXT,
    failed_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS git_reverts (
    repo TEXT NOT NULL,
    branch TEXT NOT NULL,
    failed_revision TEXT NOT NULL,
    mode TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (repo, branch, failed_revision, mode)
  );
`;

/** Columns added to existing tables since the first schema (ALTER TABLE … ADD COLUMN is idempotent here). */
const ADDED_COLUMNS: Array<[table: string, column: string, type: string]> = [
  ['syncs', 'subject', 'TEXT'],
  ['syncs', 'author', 'TEXT'],
  ['syncs', 'health', 'TEXT'],
  ['syncs', 'changed', 'INTEGER'],
  ['syncs', 'rolled_back_to', 'TEXT'],
  ['syncs', 'digest', 'TEXT'],
  ['syncs', 'rollback', 'INTEGER'],
];

export type PullRequestState = 'open' | 'closed' | 'merged';

export interface PullRequestRecord {
  /** the normalized repository URL */
  repo: string;
  number: number;
  provider: string;
  state: PullRequestState;
  lastAction: string;
  title?: string;
  headBranch: string;
  headSha?: string;
  baseBranch: string;
  url?: string;
  updatedAt: number;
}

export interface SyncRecord {
  id: number;
  app: string;
  requestedRevision: string;
  /** the commit actually synced, once resolved */
  revision?: string;
  reason: string;
  priority: string;
  attempt: number;
  startedAt: number;
  finishedAt?: number;
  result?: 'Succeeded' | 'Failed' | 'Skipped';
  message?: string;
  objects?: number;
  /** the commit's subject and author */
  subject?: string;
  author?: string;
  /** the health the sync ended with (Healthy, Degraded, …) */
  health?: string;
  /** objects created, changed or pruned */
  changed?: number;
  /** when the sync failed and Capstan rolled back: the revision it went back to */
  rolledBackTo?: string;
  /** sha256 of the rendered objects */
  digest?: string;
  /** this sync applied an earlier revision's kept objects */
  rollback?: boolean;
}

/** The objects one revision rendered, kept so that a rollback can re-apply them. */
export interface RevisionRecord {
  app: string;
  revision: string;
  objects: unknown[];
  subject?: string;
  author?: string;
  /** when the revision was last seen healthy; undefined if never */
  healthyAt?: number;
}

/** A revision that failed and is not retried until a new commit arrives. */
export interface FailedRevision {
  revision: string;
  reason: string;
  at: number;
}

/**
 * What Capstan told Git after an automatic rollback (`spec.rollback.gitRevert`): one record
 * per failed revision of a tracked branch and mode, covering every application it reverted
 * for. Its existence is what makes the revert happen once, across restarts.
 */
export interface GitRevertRecord {
  /** the normalized repository URL */
  repo: string;
  /** the tracked branch */
  branch: string;
  failedRevision: string;
  mode: 'pr' | 'commit';
  /** the applications the revert covers */
  apps: string[];
  /** `failed`: given up (a conflict, no provider, retries spent); `message` says why */
  state: 'done' | 'failed';
  message: string;
  /** where the revert was pushed: `capstan/revert/…` (pr) or the tracked branch (commit) */
  revertBranch?: string;
  commit?: string;
  /** the commits reverted, newest first */
  reverted?: string[];
  pullRequest?: { number: number; url: string };
  attempts: number;
  at: number;
}

type Row = Record<string, string | number | null>;
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toRevision(r: Row): RevisionRecord {
  return {
    app: String(r.app),
    revision: String(r.revision),
    objects: JSON.parse(String(r.objects)) as unknown[],
    subject: opt(r.subject as string | null),
    author: opt(r.author as string | null),
    healthyAt: opt(r.healthy_at as number | null),
  };
}

export class StateStore {
  private readonly db: BetterSqlite3.Database;
  /** each statement is prepared once: preparing costs more than running these small ones */
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  /**
   * Failed revisions by application (null: none), read once each: the reconciler asks at
   * every step and every status write, and this store is the file's only writer.
   */
  private readonly failed = new Map<string, FailedRevision | null>();

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, 'daemon.db');
    try {
      this.db = new BetterSqlite3(file);
      this.db.pragma('journal_mode = WAL');
      // history and kept revisions, not the source of truth (Applications and their status
      // live in the control plane's store): a commit may be lost with the machine's power,
      // never corrupted, and a sync's four writes cost no fsync each
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
      for (const [table, column, type] of ADDED_COLUMNS) {
        const has = (this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).some(
          (c) => c.name === column,
        );
        if (!has) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
      }
    } catch (e) {
      throw new CapstanError(
        'STATE_OPEN_FAILED',
        `${file}: cannot open the daemon's state: ${(e as Error).message}`,
      );
    }
  }

  /** Records a pull request event: the newest event wins, a merged or closed one closes it. */
  recordPullRequest(pr: PullRequestRecord): void {
    this.statement(
      `INSERT INTO pull_requests (repo, number, provider, state, last_action, title, head_branch, head_sha,
           base_branch, url, updated_at)
         VALUES (@repo, @number, @provider, @state, @lastAction, @title, @headBranch, @headSha, @baseBranch, @url,
           @updatedAt)
         ON CONFLICT (repo, number) DO UPDATE SET provider = excluded.provider, state = excluded.state,
           last_action = excluded.last_action, title = coalesce(excluded.title, title),
           head_branch = excluded.head_branch, head_sha = coalesce(excluded.head_sha, head_sha),
           base_branch = excluded.base_branch, url = coalesce(excluded.url, url), updated_at = excluded.updated_at`,
    ).run({ title: null, headSha: null, url: null, ...pr });
  }

  pullRequests(filter: { repo?: string; state?: PullRequestState } = {}): PullRequestRecord[] {
    const rows = this.statement(
      `SELECT * FROM pull_requests WHERE (@repo IS NULL OR repo = @repo) AND (@state IS NULL OR state = @state)
         ORDER BY repo, number`,
    ).all({ repo: filter.repo ?? null, state: filter.state ?? null }) as Row[];
    return rows.map((r) => ({
      repo: String(r.repo),
      number: Number(r.number),
      provider: String(r.provider),
      state: r.state as PullRequestState,
      lastAction: String(r.last_action),
      title: opt(r.title as string | null),
      headBranch: String(r.head_branch),
      headSha: opt(r.head_sha as string | null),
      baseBranch: String(r.base_branch),
      url: opt(r.url as string | null),
      updatedAt: Number(r.updated_at),
    }));
  }

  /** Starts a sync record; returns its id. */
  startSync(
    s: Omit<SyncRecord, 'id' | 'finishedAt' | 'result' | 'message' | 'objects' | 'revision'>,
  ): number {
    const info = this.statement(
      `INSERT INTO syncs (app, requested_revision, reason, priority, attempt, started_at)
         VALUES (@app, @requestedRevision, @reason, @priority, @attempt, @startedAt)`,
    ).run(s);
    return Number(info.lastInsertRowid);
  }

  finishSync(
    id: number,
    end: {
      finishedAt: number;
      result: 'Succeeded' | 'Failed' | 'Skipped';
      revision?: string;
      message?: string;
      objects?: number;
      subject?: string;
      author?: string;
      health?: string;
      changed?: number;
      rolledBackTo?: string;
      digest?: string;
      rollback?: boolean;
    },
  ): void {
    this.statement(
      `UPDATE syncs SET finished_at = @finishedAt, result = @result, revision = coalesce(@revision, revision),
           message = @message, objects = @objects, subject = @subject, author = @author, health = @health,
           changed = @changed, rolled_back_to = @rolledBackTo, digest = @digest, rollback = @rollback
         WHERE id = @id`,
    ).run({
      revision: null,
      message: null,
      objects: null,
      subject: null,
      author: null,
      health: null,
      changed: null,
      rolledBackTo: null,
      digest: null,
      ...end,
      rollback: end.rollback ? 1 : null,
      id,
    });
  }

  /** Keeps what `revision` rendered (replacing an earlier copy), for rollbacks. */
  saveRevision(r: Omit<RevisionRecord, 'healthyAt'>): void {
    this.statement(
      `INSERT INTO revisions (app, revision, objects, subject, author)
         VALUES (@app, @revision, @objects, @subject, @author)
         ON CONFLICT (app, revision) DO UPDATE SET objects = excluded.objects`,
    ).run({ subject: null, author: null, ...r, objects: JSON.stringify(r.objects) });
  }

  markHealthy(app: string, revision: string, at: number): void {
    this.statement(`UPDATE revisions SET healthy_at = @at WHERE app = @app AND revision = @revision`).run({
      app,
      revision,
      at,
    });
  }

  revision(app: string, revision: string): RevisionRecord | undefined {
    const r = this.statement(`SELECT * FROM revisions WHERE app = ? AND revision = ?`).get(app, revision) as
      Row | undefined;
    return r ? toRevision(r) : undefined;
  }

  /** The revision most recently seen healthy, other than `except`. */
  lastHealthyRevision(app: string, except?: string): RevisionRecord | undefined {
    const r = this.statement(
      `SELECT * FROM revisions WHERE app = @app AND healthy_at IS NOT NULL AND revision IS NOT @except
         ORDER BY healthy_at DESC LIMIT 1`,
    ).get({ app, except: except ?? null }) as Row | undefined;
    return r ? toRevision(r) : undefined;
  }

  /** Records (or clears, with undefined) the revision that failed and is not retried. */
  setFailedRevision(app: string, failed: FailedRevision | undefined): void {
    this.statement(
      `INSERT INTO app_state (app, failed_revision, failed_reason, failed_at) VALUES (@app, @revision, @reason, @at)
         ON CONFLICT (app) DO UPDATE SET failed_revision = excluded.failed_revision,
           failed_reason = excluded.failed_reason, failed_at = excluded.failed_at`,
    ).run({
      app,
      revision: failed?.revision ?? null,
      reason: failed?.reason ?? null,
      at: failed?.at ?? null,
    });
    this.failed.set(app, failed ? { ...failed } : null);
  }

  failedRevision(app: string): FailedRevision | undefined {
    let failed = this.failed.get(app);
    if (failed === undefined) {
      const r = this.statement(`SELECT * FROM app_state WHERE app = ?`).get(app) as Row | undefined;
      failed =
        !r || r.failed_revision === null
          ? null
          : { revision: String(r.failed_revision), reason: String(r.failed_reason), at: Number(r.failed_at) };
      this.failed.set(app, failed);
    }
    return failed === null ? undefined : { ...failed };
  }

  /** Records (replacing) the revert of a failed revision. */
  recordGitRevert(r: GitRevertRecord): void {
    this.statement(
      `INSERT INTO git_reverts (repo, branch, failed_revision, mode, record)
         VALUES (@repo, @branch, @failedRevision, @mode, @record)
         ON CONFLICT (repo, branch, failed_revision, mode) DO UPDATE SET record = excluded.record`,
    ).run({
      repo: r.repo,
      branch: r.branch,
      failedRevision: r.failedRevision,
      mode: r.mode,
      record: JSON.stringify(r),
    });
  }

  gitRevert(
    key: Pick<GitRevertRecord, 'repo' | 'branch' | 'failedRevision' | 'mode'>,
  ): GitRevertRecord | undefined {
    const r = this.statement(
      `SELECT record FROM git_reverts
         WHERE repo = @repo AND branch = @branch AND failed_revision = @failedRevision AND mode = @mode`,
    ).get({ repo: key.repo, branch: key.branch, failedRevision: key.failedRevision, mode: key.mode }) as
      Row | undefined;
    return r ? (JSON.parse(String(r.record)) as GitRevertRecord) : undefined;
  }

  /** Every revert recorded (those covering `app` when given), the newest first. */
  gitReverts(app?: string): GitRevertRecord[] {
    const rows = this.statement(`SELECT record FROM git_reverts`).all() as Row[];
    return rows
      .map((r) => JSON.parse(String(r.record)) as GitRevertRecord)
      .filter((r) => app === undefined || r.apps.includes(app))
      .sort((a, b) => b.at - a.at);
  }

  /** The newest syncs first. */
  syncs(app?: string, limit = 100): SyncRecord[] {
    // one application's through the (app, id) index: `app = @app OR @app IS NULL` would scan them all
    const rows = (
      app === undefined
        ? this.statement(`SELECT * FROM syncs ORDER BY id DESC LIMIT @limit`).all({ limit })
        : this.statement(`SELECT * FROM syncs WHERE app = @app ORDER BY id DESC LIMIT @limit`).all({
            app,
            limit,
          })
    ) as Row[];
    return rows.map((r) => ({
      id: Number(r.id),
      app: String(r.app),
      requestedRevision: String(r.requested_revision),
      revision: opt(r.revision as string | null),
      reason: String(r.reason),
      priority: String(r.priority),
      attempt: Number(r.attempt),
      startedAt: Number(r.started_at),
      finishedAt: opt(r.finished_at as number | null),
      result: opt(r.result as 'Succeeded' | 'Failed' | 'Skipped' | null),
      message: opt(r.message as string | null),
      objects: opt(r.objects as number | null),
      subject: opt(r.subject as string | null),
      author: opt(r.author as string | null),
      health: opt(r.health as string | null),
      changed: opt(r.changed as number | null),
      rolledBackTo: opt(r.rolled_back_to as string | null),
      digest: opt(r.digest as string | null),
      ...(r.rollback ? { rollback: true } : {}),
    }));
  }

  close(): void {
    this.db.close();
  }

  private statement(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
