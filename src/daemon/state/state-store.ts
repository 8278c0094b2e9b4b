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
`;

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
  result?: 'Succeeded' | 'Failed';
  message?: string;
  objects?: number;
}

type Row = Record<string, string | number | null>;
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export class StateStore {
  private readonly db: BetterSqlite3.Database;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, 'daemon.db');
    try {
      this.db = new BetterSqlite3(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(SCHEMA);
    } catch (e) {
      throw new CapstanError(
        'STATE_OPEN_FAILED',
        `${file}: cannot open the daemon's state: ${(e as Error).message}`,
      );
    }
  }

  /** Records a pull request event: the newest event wins, a merged or closed one closes it. */
  recordPullRequest(pr: PullRequestRecord): void {
    this.db
      .prepare(
        `INSERT INTO pull_requests (repo, number, provider, state, last_action, title, head_branch, head_sha,
           base_branch, url, updated_at)
         VALUES (@repo, @number, @provider, @state, @lastAction, @title, @headBranch, @headSha, @baseBranch, @url,
           @updatedAt)
         ON CONFLICT (repo, number) DO UPDATE SET provider = excluded.provider, state = excluded.state,
           last_action = excluded.last_action, title = coalesce(excluded.title, title),
           head_branch = excluded.head_branch, head_sha = coalesce(excluded.head_sha, head_sha),
           base_branch = excluded.base_branch, url = coalesce(excluded.url, url), updated_at = excluded.updated_at`,
      )
      .run({ title: null, headSha: null, url: null, ...pr });
  }

  pullRequests(filter: { repo?: string; state?: PullRequestState } = {}): PullRequestRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM pull_requests WHERE (@repo IS NULL OR repo = @repo) AND (@state IS NULL OR state = @state)
         ORDER BY repo, number`,
      )
      .all({ repo: filter.repo ?? null, state: filter.state ?? null }) as Row[];
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
    const info = this.db
      .prepare(
        `INSERT INTO syncs (app, requested_revision, reason, priority, attempt, started_at)
         VALUES (@app, @requestedRevision, @reason, @priority, @attempt, @startedAt)`,
      )
      .run(s);
    return Number(info.lastInsertRowid);
  }

  finishSync(
    id: number,
    end: {
      finishedAt: number;
      result: 'Succeeded' | 'Failed';
      revision?: string;
      message?: string;
      objects?: number;
    },
  ): void {
    this.db
      .prepare(
        `UPDATE syncs SET finished_at = @finishedAt, result = @result, revision = coalesce(@revision, revision),
           message = @message, objects = @objects WHERE id = @id`,
      )
      .run({ revision: null, message: null, objects: null, ...end, id });
  }

  /** The newest syncs first. */
  syncs(app?: string, limit = 100): SyncRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM syncs WHERE (@app IS NULL OR app = @app) ORDER BY id DESC LIMIT @limit`)
      .all({ app: app ?? null, limit }) as Row[];
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
      result: opt(r.result as 'Succeeded' | 'Failed' | null),
      message: opt(r.message as string | null),
      objects: opt(r.objects as number | null),
    }));
  }

  close(): void {
    this.db.close();
  }
}
