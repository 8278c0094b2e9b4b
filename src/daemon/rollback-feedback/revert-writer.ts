/**
 * The Git and provider side of one revert: the commits to undo for each application (those
 * after its healthy revision up to the failed one that touched its path), the revert on top
 * of the tracked branch's newest commit, pushed to a branch of its own with a pull request
 * (`pr`) or to the tracked branch itself (`commit`, fast-forward only).
 */
import { CapstanError, type Application, type GitProviderRef } from '../../core/index.js';
import {
  commitsTouching,
  revertCommits,
  type GitIdentity,
  type TouchingCommit,
  type WriteTarget,
} from '../../git/index.js';
import type { GitProvider } from '../../providers/index.js';
import { revertBody, revertTitle, type RevertedCommit } from './revert-body.js';
import type { RolledBack } from './rolled-back.js';

export interface RevertWriterDeps {
  /** the newest commit of the application's tracked branch, and that branch's name */
  branchHead(app: string): Promise<{ head: string; branch: string }>;
  writeTarget(app: string): Promise<WriteTarget>;
  /** looks at the application's repository again (after a push) */
  refresh(app: string): Promise<void>;
  provider(ref: GitProviderRef): GitProvider;
  application(name: string): Application | undefined;
  author: GitIdentity;
  now(): Date;
}

export interface RevertRequest {
  mode: 'pr' | 'commit';
  failed: string;
  /** every application rolled back from `failed` that the revert covers */
  members: RolledBack[];
  /** `pr`: the branch an earlier revert of this group pushed (kept when more applications join) */
  revertBranch?: string;
}

export interface RevertWritten {
  revertBranch: string;
  commit: string;
  reverted: string[];
  pullRequest?: { number: number; url: string };
  /** applications whose path the failed revisions did not touch */
  untouched: string[];
}

const short = (oid: string) => oid.slice(0, 7);

export class RevertWriter {
  constructor(private readonly deps: RevertWriterDeps) {}

  async write(request: RevertRequest): Promise<RevertWritten> {
    const leader = request.members[0];
    if (request.mode === 'pr') return this.pullRequest(request, leader);
    try {
      return await this.onBranch(request, leader);
    } catch (e) {
      // someone pushed between our read and our push: read the branch again, once
      if (!(e instanceof CapstanError && e.code === 'GIT_PUSH_REJECTED')) throw e;
      await this.deps.refresh(leader.app);
      return this.onBranch(request, leader);
    }
  }

  private async pullRequest(request: RevertRequest, leader: RolledBack): Promise<RevertWritten> {
    const ref = this.deps.application(leader.app)?.spec.provider;
    if (!ref)
      throw new CapstanError(
        'REVERT_INVALID',
        `${leader.app}: spec.provider is needed for rollback.gitRevert: pr (where the pull request opens)`,
      );
    const provider = this.deps.provider(ref);
    const { head, branch } = await this.deps.branchHead(leader.app);
    const revertBranch =
      request.revertBranch ??
      (request.members.length === 1
        ? `capstan/revert/${leader.app}/${short(request.failed)}`
        : `capstan/revert/${short(request.failed)}`);
    // the revert branch is Capstan's: rebuilt on the newest commit each time
    const written = await this.revert(request, leader, head, revertBranch, true);
    const touched = request.members.filter((m) => !written.untouched.includes(m.app));
    const subject =
      leader.history.find((e) => e.revision === request.failed)?.subject ??
      written.commits.find((c) => c.oid === request.failed)?.subject;
    const description = { failed: request.failed, subject, members: touched, reverted: written.commits };
    const pr = await provider.openPullRequest({
      head: revertBranch,
      base: branch,
      title: revertTitle(description),
      body: revertBody(description),
    });
    return { ...written, pullRequest: { number: pr.number, url: pr.url } };
  }

  private async onBranch(request: RevertRequest, leader: RolledBack): Promise<RevertWritten> {
    const { head, branch } = await this.deps.branchHead(leader.app);
    const written = await this.revert(request, leader, head, branch, false);
    // the sources see the new commit now rather than at their next poll
    await Promise.all(request.members.map((m) => this.deps.refresh(m.app).catch(() => undefined)));
    return written;
  }

  /**
   * One revert commit per healthy revision (usually one: the applications of one commit ran
   * the same revision before it), chained on `head` and pushed to `branch`.
   */
  private async revert(
    request: RevertRequest,
    leader: RolledBack,
    head: string,
    branch: string,
    force: boolean,
  ): Promise<RevertWritten & { commits: RevertedCommit[] }> {
    const target = await this.deps.writeTarget(leader.app);
    const byHealthy = new Map<string, RolledBack[]>();
    for (const m of request.members) byHealthy.set(m.healthy, [...(byHealthy.get(m.healthy) ?? []), m]);
    const untouched: string[] = [];
    const commits = new Map<string, RevertedCommit>();
    let tip = head;
    let pushed: string | undefined;
    for (const [healthy, members] of byHealthy) {
      const touching: TouchingCommit[] = [];
      for (const m of members) {
        const found = await commitsTouching({
          gitdir: target.gitdir,
          cache: target.cache,
          ensureCommits: target.ensureCommits,
          from: healthy,
          to: request.failed,
          paths: [m.path],
        });
        if (found.length === 0) untouched.push(m.app);
        touching.push(...found);
      }
      const oids = [...new Set(touching.map((c) => c.oid))];
      if (oids.length === 0) continue;
      for (const c of touching) {
        const seen = commits.get(c.oid);
        commits.set(c.oid, { ...c, files: [...new Set([...(seen?.files ?? []), ...c.files])].sort() });
      }
      const paths = members.filter((m) => !untouched.includes(m.app)).map((m) => m.path);
      const result = await revertCommits({
        ...target,
        head: tip,
        commits: oids,
        paths,
        author: this.deps.author,
        branch,
        // only the first push replaces the revert branch; the next ones build on it
        push: force && pushed === undefined ? { force: true } : {},
        now: () => this.deps.now(),
      });
      tip = result.commit;
      pushed = result.commit;
    }
    if (pushed === undefined)
      throw new CapstanError(
        'REVERT_NOTHING_TO_REVERT',
        `no commit after the healthy revision up to ${short(request.failed)} changed ${request.members
          .map((m) => `${m.app}'s path ${m.path}`)
          .join(
            ', ',
          )}: what failed came from outside it (a base or component it includes?); revert it by hand`,
      );
    return {
      revertBranch: branch,
      commit: pushed,
      reverted: [...commits.keys()],
      untouched,
      commits: [...commits.values()],
    };
  }
}
