/**
 * Rollbacks that Git agrees with (issue 12): after the reconciler rolls an application back
 * automatically from a failed revision F to a healthy H, Git still says F, and the next
 * unrelated commit would deploy F's change again. With `spec.rollback.gitRevert: pr` this
 * pushes a revert of F's change under the application's path to a branch and opens a pull
 * request; with `commit` it pushes the revert to the tracked branch; `off` leaves the
 * application pinned at H (the reconciler says so) until a newer commit arrives.
 *
 * Level-triggered, as a controller: it watches Applications, and for each failed revision of
 * a branch (and mode) reconciles a key that re-reads every Application rolled back from it,
 * so applications that one commit broke together get one revert. The first revert waits a
 * short grace period after the first rollback for the others to roll back too; one that
 * rolls back later joins the same pull request (`pr`) or gets its own commit (`commit`).
 * What was done is recorded in the daemon's state store, which is what makes it happen
 * once across restarts. Failures (the provider down, a conflict) are logged, retried with
 * backoff when retrying can help, recorded, and never touch a sync: the reconciler stays
 * the only writer of Application status.
 */
import { CapstanError, isCapstanError, type Application } from '../../core/index.js';
import { redactText } from '../../git/index.js';
import {
  realClock,
  runWorkers,
  WorkQueue,
  type Clock,
  type ReconcileResult,
  type Workers,
} from '../../runtime/index.js';
import type { GitRevertRecord, StateStore } from '../state/state-store.js';
import { RevertWriter, type RevertWriterDeps } from './revert-writer.js';
import { groupKeyOf, parseGroupKey, rolledBack, type RolledBack } from './rolled-back.js';

type LogFn = (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string) => void;

export interface RollbackFeedbackOptions {
  /** after the first rollback from a revision, how long to wait for others to roll back from it too (default 30 s) */
  graceMs?: number;
  /** tries of a revert that fails where retrying can help (provider or Git server down) before giving up (default 4) */
  attempts?: number;
  /** the wait before the second try, doubled for each next one (default 5 s, at most 2 min) */
  backoffMs?: number;
}

export const DEFAULT_REVERT_GRACE_MS = 30_000;
const MAX_BACKOFF_MS = 120_000;

export interface RollbackFeedbackDeps extends RevertWriterDeps {
  applications(): Application[];
  watch(onChange: (app: Application) => void): { stop(): void };
  records: Pick<StateStore, 'gitRevert' | 'recordGitRevert'>;
  log: LogFn;
  clock?: Clock;
  /** what writes the reverts (default: a `RevertWriter` over these deps; tests pass their own) */
  writer?: Pick<RevertWriter, 'write'>;
}

const short = (oid: string) => oid.slice(0, 7);

export class RollbackFeedback {
  private readonly queue: WorkQueue;
  private readonly writer: Pick<RevertWriter, 'write'>;
  private readonly clock: Clock;
  private readonly graceMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  /** tries so far of each failed revision's revert (reset when it is done or given up) */
  private readonly attempts = new Map<string, number>();
  private watch?: { stop(): void };
  private workers?: Workers;
  private closed = false;

  constructor(
    private readonly deps: RollbackFeedbackDeps,
    options: RollbackFeedbackOptions = {},
  ) {
    this.clock = deps.clock ?? realClock;
    this.queue = new WorkQueue({ clock: this.clock });
    this.writer = deps.writer ?? new RevertWriter(deps);
    this.graceMs = options.graceMs ?? DEFAULT_REVERT_GRACE_MS;
    this.maxAttempts = Math.max(1, options.attempts ?? 4);
    this.backoffMs = options.backoffMs ?? 5_000;
  }

  start(): void {
    this.workers = runWorkers({
      queue: this.queue,
      reconcile: (key) => this.reconcile(key),
      clock: this.clock,
      // reconcile logs what it knows; this is for what it did not expect
      onError: (key, e) => this.deps.log('error', { revert: key }, `git revert: ${describe(e)}`),
    });
    this.watch = this.deps.watch((app) => this.observe(app));
    for (const app of this.deps.applications()) this.observe(app);
  }

  /** An Application changed: if it shows an automatic rollback whose revert is Capstan's to make, look at it. */
  observe(app: Application): void {
    const r = rolledBack(app);
    if (r && r.mode !== 'off') this.queue.add(groupKeyOf(r));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watch?.stop();
    this.queue.shutDown();
    await this.workers?.exited;
  }

  private async reconcile(key: string): Promise<ReconcileResult> {
    if (this.closed) return;
    const group = parseGroupKey(key);
    const members = this.deps
      .applications()
      .map(rolledBack)
      .filter((r): r is RolledBack => r !== undefined && groupKeyOf(r) === key)
      .sort((a, b) => (a.app < b.app ? -1 : 1));
    if (members.length === 0) {
      // synced past F, deleted, or switched to off: nothing left to tell Git
      this.attempts.delete(key);
      return;
    }
    const id = { repo: group.repo, branch: group.tracked, failedRevision: group.failed, mode: group.mode };
    const record = this.deps.records.gitRevert(id);
    const covered = new Set(record?.apps ?? []);
    const newcomers = members.filter((m) => !covered.has(m.app));
    if (newcomers.length === 0) return;
    const firstRollback = Math.min(...members.map((m) => Date.parse(m.rolledBackAt) || 0));
    const wait = firstRollback + this.graceMs - this.clock.now().getTime();
    if (!record && wait > 0) return { requeueAfter: wait };

    // pr: one branch and pull request for every application rolled back from F, rebuilt
    // when one joins; commit: the revert of those already covered is on the branch
    const covering = group.mode === 'pr' ? members : newcomers;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    const fields = {
      failed: short(group.failed),
      mode: group.mode,
      apps: covering.map((m) => m.app).join(','),
    };
    const base: Omit<GitRevertRecord, 'state' | 'message'> = {
      ...id,
      apps: [...new Set([...(record?.apps ?? []), ...covering.map((m) => m.app)])].sort(),
      attempts: attempt,
      at: this.clock.now().getTime(),
    };
    try {
      const written = await this.writer.write({
        mode: group.mode,
        failed: group.failed,
        members: covering,
        revertBranch: record?.revertBranch,
      });
      this.attempts.delete(key);
      const untouched = written.untouched.length
        ? `; nothing under the path of ${written.untouched.join(', ')} changed, so nothing reverted there`
        : '';
      const message = written.pullRequest
        ? `opened pull request ${written.pullRequest.url} from ${written.revertBranch} reverting ${written.reverted.map(short).join(', ')}${untouched}`
        : `pushed ${short(written.commit)} to ${written.revertBranch} reverting ${written.reverted.map(short).join(', ')}${untouched}`;
      this.deps.records.recordGitRevert({
        ...base,
        state: 'done',
        message,
        revertBranch: written.revertBranch,
        commit: written.commit,
        reverted: written.reverted,
        ...(written.pullRequest ? { pullRequest: written.pullRequest } : {}),
      });
      this.deps.log('info', fields, `git revert: ${message}`);
      return;
    } catch (e) {
      const message = describe(e);
      if (retryable(e) && attempt < this.maxAttempts && !this.closed) {
        this.attempts.set(key, attempt);
        const delay = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** (attempt - 1));
        this.deps.log(
          'warn',
          { ...fields, attempt },
          `git revert: attempt ${attempt} of ${this.maxAttempts} failed, retrying in ${Math.ceil(delay / 1000)} s: ${message}`,
        );
        return { requeueAfter: delay };
      }
      this.attempts.delete(key);
      this.deps.records.recordGitRevert({
        ...base,
        state: 'failed',
        message,
        ...(record?.revertBranch ? { revertBranch: record.revertBranch } : {}),
      });
      this.deps.log(
        'error',
        { ...fields, attempt },
        `git revert: gave up after ${attempt} attempt(s), revert ${short(group.failed)} by hand: ${message}`,
      );
    }
  }
}

/** Worth another try later: the provider or the Git server was down, or the branch kept moving. */
function retryable(e: unknown): boolean {
  if (!isCapstanError(e)) return true;
  return e.data.transient === true || e.code === 'GIT_PUSH_REJECTED';
}

function describe(e: unknown): string {
  return redactText(e instanceof CapstanError ? `${e.message} [${e.code}]` : String(e));
}
