/**
 * One promotion, `capstan promote shop --from staging --to prod` (issue 12): the checks
 * (the source Healthy at its commit for its soak time, the target's windows open), the
 * changes the target's overlay needs to run what the source runs, the minimal edit of its
 * kustomization, the rendered diff of the target before and after, and then a commit: on
 * a branch of its own with a pull request (mode `pr`), or on the target's branch (`direct`).
 * A dry run stops before the commit. Nothing is written to Git unless every check passed.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CapstanError,
  isCapstanError,
  type Application,
  type KubeObject,
  type Promotion,
  type GitProviderRef,
  type PromotionRecord,
} from '../../core/index.js';
import { renderedDiff, type RenderedObjectDiff } from '../../diff/index.js';
import { commitFiles, type GitIdentity, type WriteTarget } from '../../git/index.js';
import type { GitProvider } from '../../providers/index.js';
import { describeChange, editKustomization, promotionChanges } from '../../render/index.js';
import { promotionSettings, stagePair, type StageSettings } from './promotion-settings.js';
import { windowVerdict } from './windows.js';

/** A revision's files, held until `release()` (the daemon's SourceHub gives these). */
export interface PromotionFiles {
  revision: string;
  root: string;
  /** the remote ref the revision came from, when it is a branch's tip (`refs/heads/main`) */
  ref?: string;
  release(): Promise<void>;
}

export interface PromoterDeps {
  promotion(name: string): Promotion | undefined;
  application(name: string): Application | undefined;
  /** the revision `commit` of the application's source, or its newest */
  files(app: string, commit?: string): Promise<PromotionFiles>;
  /** where commits to the application's repository go */
  writeTarget(app: string): Promise<WriteTarget>;
  /** the newest commit of the application's branch, after a push moved it */
  refresh(app: string): Promise<void>;
  render(root: string, dir: string): Promise<KubeObject[]>;
  /** the client of the provider `ref` names (its token read from its Secret) */
  provider(ref: GitProviderRef): GitProvider;
  /** records a promotion made in the Promotion's status */
  record(name: string, record: PromotionRecord): Promise<void>;
  author: GitIdentity;
  now(): Date;
}

export interface PromoteRequest {
  from: string;
  to: string;
  /** compute and show, change nothing */
  dryRun?: boolean;
  /** commit on the target's branch instead of opening a pull request (overrides `spec.mode`) */
  direct?: boolean;
  /**
   * Made by auto-promotion: the branch is `capstan/promote/<name>/<to>` for every commit,
   * so its one pull request is updated rather than another opened.
   */
  auto?: boolean;
}

export interface PromotionOutcome {
  promotion: string;
  from: string;
  to: string;
  /** the source stage's commit that is promoted */
  revision: string;
  /** one line per change; empty when the target already runs what the source runs */
  changes: string[];
  /** the target's kustomization file that changes, relative to the repository root */
  file: string;
  /** the target's rendered objects before and after the change */
  diff: RenderedObjectDiff[];
  dryRun: boolean;
  /** set once pushed */
  commit?: string;
  branch?: string;
  pullRequest?: { number: number; url: string };
  /** what went wrong after the promotion was made (a comment not posted) */
  warnings?: string[];
}

const refused = (code: string, message: string, data: Record<string, unknown> = {}) =>
  new CapstanError(code, message, data);

/** `4m12s`, for soak messages. */
function showDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return [h ? `${h}h` : '', m ? `${m}m` : '', s % 60 || (!h && !m) ? `${s % 60}s` : ''].join('');
}

export class Promoter {
  constructor(private readonly deps: PromoterDeps) {}

  async promote(name: string, request: PromoteRequest): Promise<PromotionOutcome> {
    const promotion = this.deps.promotion(name);
    if (!promotion) throw refused('PROMOTION_NOT_FOUND', `promotion "${name}" not found`);
    const settings = promotionSettings(promotion);
    const { source, target } = stagePair(settings, request.from, request.to);
    const sourceApp = this.application(source);
    const targetApp = this.application(target);
    const revision = this.checkSource(name, source, sourceApp);
    this.checkWindows(name, target);
    if (sourceApp.spec.source.repoURL !== targetApp.spec.source.repoURL)
      throw refused(
        'PROMOTION_INVALID',
        `promotion ${name}: ${source.application} and ${target.application} read different repositories; a promotion edits one repository`,
      );
    const direct = request.direct ?? settings.mode === 'direct';
    if (!direct && !settings.provider && !request.dryRun)
      throw refused(
        'PROMOTION_INVALID',
        `promotion ${name}: spec.provider is needed to open pull requests (or promote with --direct)`,
      );

    const sourceFiles = await this.deps.files(source.application, revision);
    try {
      const targetFiles = await this.deps.files(target.application);
      try {
        return await this.promoteFiles(name, request, settings.include, {
          source,
          target,
          sourceApp,
          targetApp,
          sourceFiles,
          targetFiles,
          direct,
          provider: settings.provider,
        });
      } finally {
        await targetFiles.release();
      }
    } finally {
      await sourceFiles.release();
    }
  }

  private async promoteFiles(
    name: string,
    request: PromoteRequest,
    include: { replicas: boolean; configMapLiterals: string[] },
    c: {
      source: StageSettings;
      target: StageSettings;
      sourceApp: Application;
      targetApp: Application;
      sourceFiles: PromotionFiles;
      targetFiles: PromotionFiles;
      direct: boolean;
      provider?: GitProviderRef;
    },
  ): Promise<PromotionOutcome> {
    const sourcePath = c.sourceApp.spec.source.path || '.';
    const targetPath = c.targetApp.spec.source.path || '.';
    // What the target must change is computed within the source's commit, so both overlays
    // are read as the source runs them; the edit then goes on the target branch's newest
    // commit, which must hold the same kustomization file (else the edit would be blind).
    const computed = promotionChanges(c.sourceFiles.root, sourcePath, targetPath, { include });
    const atSource = await fs.readFile(path.join(c.sourceFiles.root, computed.file), 'utf8');
    const atTarget = await fs
      .readFile(path.join(c.targetFiles.root, computed.file), 'utf8')
      .catch(() => undefined);
    if (atTarget !== atSource)
      throw refused(
        'PROMOTION_STALE',
        `${computed.file} differs between ${c.source.name}'s commit ${c.sourceFiles.revision.slice(0, 7)} and the ` +
          `newest commit ${c.targetFiles.revision.slice(0, 7)} of ${c.target.name}'s branch: sync ${c.source.name} ` +
          'to the newest commit, then promote',
        { file: computed.file },
      );
    const outcome: PromotionOutcome = {
      promotion: name,
      from: c.source.name,
      to: c.target.name,
      revision: c.sourceFiles.revision,
      changes: computed.changes.map(describeChange),
      file: computed.file,
      diff: [],
      dryRun: request.dryRun === true,
    };
    if (computed.changes.length === 0) return outcome;
    const edited = editKustomization(atTarget, computed.changes, computed.file);
    outcome.diff = await this.renderedDiff(c.targetFiles.root, targetPath, computed.file, edited);
    if (request.dryRun) return outcome;

    const short = c.sourceFiles.revision.slice(0, 7);
    const message = [
      `Promote ${name} from ${c.source.name} to ${c.target.name} (${short})`,
      '',
      ...outcome.changes.map((line) => `- ${line}`),
      '',
      `Capstan promoted what ${c.source.application} runs at ${c.sourceFiles.revision}.`,
    ].join('\n');
    const baseBranch = branchOf(c.targetFiles, c.targetApp);
    const branch = c.direct
      ? baseBranch
      : `capstan/promote/${name}/${c.target.name}${request.auto ? '' : `/${short}`}`;
    const writeTarget = await this.deps.writeTarget(c.target.application);
    const written = await commitFiles({
      ...writeTarget,
      parent: c.targetFiles.revision,
      changes: [{ path: computed.file, content: edited }],
      message,
      author: this.deps.author,
      branch,
      // the promotion's own branch is Capstan's to replace; the target's branch only moves forward
      push: c.direct ? {} : { force: true },
      now: () => this.deps.now(),
    });
    outcome.commit = written.commit;
    outcome.branch = branch;
    if (c.direct) await this.deps.refresh(c.target.application).catch(() => undefined);
    else {
      const provider = this.providerOf(name, c.provider!);
      const pr = await provider.openPullRequest({
        head: branch,
        base: baseBranch,
        title: `Promote ${name} to ${c.target.name}: ${outcome.changes.join(', ')}`.slice(0, 250),
        body: pullRequestBody(name, c.source, c.target, outcome),
      });
      outcome.pullRequest = { number: pr.number, url: pr.url };
      // one comment per promotion pull request, edited by each promotion into it
      const marker = `<!-- capstan:promotion-status:${name}:${c.target.name} -->`;
      try {
        await provider.upsertComment(pr.number, marker, statusComment(marker, c, outcome, this.deps.now()));
      } catch (e) {
        // the pull request is open: a comment that did not land is no reason to fail the promotion
        outcome.warnings = [`the status comment was not posted: ${(e as Error).message}`];
      }
    }
    await this.deps.record(name, {
      from: outcome.from,
      to: outcome.to,
      revision: outcome.revision,
      changes: outcome.changes,
      commit: outcome.commit,
      branch,
      ...(outcome.pullRequest ? { pullRequest: outcome.pullRequest } : {}),
      at: this.deps.now().toISOString(),
    });
    return outcome;
  }

  private application(stage: StageSettings): Application {
    const app = this.deps.application(stage.application);
    if (!app)
      throw refused('PROMOTION_INVALID', `stage ${stage.name}: application "${stage.application}" not found`);
    return app;
  }

  /** The commit the source stage runs, once it is Healthy there and has been for its soak time. */
  private checkSource(name: string, stage: StageSettings, app: Application): string {
    const status = app.status ?? {};
    const revision = status.sync?.revision;
    const health = status.health?.status ?? 'Unknown';
    const at = revision ? ` at ${revision.slice(0, 7)}` : '';
    const unhealthy = (why: string) =>
      refused(
        'PROMOTION_SOURCE_UNHEALTHY',
        `promotion ${name}: ${stage.name} (${app.metadata.name}) ${why}`,
        {
          stage: stage.name,
        },
      );
    if (!revision) throw unhealthy('has not synced a commit yet');
    if (health !== 'Healthy')
      throw unhealthy(`is ${health}${at}${status.health?.message ? `: ${status.health.message}` : ''}`);
    if (status.sync?.status !== 'Synced') throw unhealthy(`is ${status.sync?.status ?? 'Unknown'}${at}`);
    const phase = status.operationState?.phase;
    if (phase === 'Running' || phase === 'WaitingHealthy') throw unhealthy(`is still syncing${at}`);
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True')
      throw unhealthy(`is not Ready${ready?.message ? `: ${ready.message}` : ''}`);
    if (stage.soakMs > 0) {
      const since = Date.parse(ready.lastTransitionTime);
      const healthyFor = this.deps.now().getTime() - since;
      if (!(healthyFor >= stage.soakMs))
        throw refused(
          'PROMOTION_SOAKING',
          `promotion ${name}: ${stage.name} has been Healthy${at} for ${showDuration(Math.max(0, healthyFor))}; ` +
            `its soak time is ${showDuration(stage.soakMs)} (promotable from ${new Date(since + stage.soakMs).toISOString()})`,
          { stage: stage.name },
        );
    }
    return revision;
  }

  private checkWindows(name: string, stage: StageSettings): void {
    const verdict = windowVerdict(stage.windows, this.deps.now());
    if (!verdict.open)
      throw refused(
        'PROMOTION_WINDOW_CLOSED',
        `promotion ${name}: ${stage.name} takes no promotion now: ${verdict.reason}`,
        {
          stage: stage.name,
        },
      );
  }

  /** The target rendered from its files as they are, and with the edited kustomization. */
  private async renderedDiff(
    root: string,
    dir: string,
    file: string,
    edited: string,
  ): Promise<RenderedObjectDiff[]> {
    const before = await this.deps.render(root, dir);
    // the snapshot is shared and read-only: the edit is rendered from a copy
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'capstan-promote-'));
    try {
      await fs.cp(root, copy, { recursive: true, verbatimSymlinks: true });
      const at = path.join(copy, file);
      await fs.chmod(at, 0o644).catch(() => undefined);
      await fs.writeFile(at, edited);
      const after = await this.deps.render(copy, dir);
      return renderedDiff(before, after);
    } finally {
      await fs.rm(copy, { recursive: true, force: true });
    }
  }

  private providerOf(name: string, spec: GitProviderRef): GitProvider {
    try {
      return this.deps.provider(spec);
    } catch (e) {
      if (isCapstanError(e) && e.code === 'PROVIDER_TOKEN_MISSING')
        throw refused('PROMOTION_INVALID', `promotion ${name}: spec.provider.tokenSecretRef: ${e.message}`);
      throw e;
    }
  }
}

/** The branch the target application follows: its newest commit's ref, or its targetRevision when that names one. */
function branchOf(files: PromotionFiles, app: Application): string {
  if (files.ref?.startsWith('refs/heads/')) return files.ref.slice('refs/heads/'.length);
  const wanted = app.spec.source.targetRevision;
  if (wanted && wanted !== 'HEAD' && !/^[0-9a-f]{7,40}$/.test(wanted)) return wanted;
  throw refused(
    'PROMOTION_INVALID',
    `${app.metadata.name} does not follow a branch (targetRevision ${JSON.stringify(wanted ?? 'HEAD')}): a promotion commits to a branch`,
  );
}

/** The comment kept on a promotion pull request: where each stage stands. */
function statusComment(
  marker: string,
  c: { source: StageSettings; target: StageSettings; sourceApp: Application; targetApp: Application },
  outcome: PromotionOutcome,
  now: Date,
): string {
  const stand = (app: Application) => {
    const status = app.status ?? {};
    const health = status.health?.status ?? 'Unknown';
    const at = status.sync?.revision ? ` at \`${status.sync.revision.slice(0, 7)}\`` : '';
    const fault = [status.health?.object, status.health?.pod, status.health?.probe]
      .filter(Boolean)
      .join(', ');
    return `${health}${at}${fault ? ` (${fault})` : ''}`;
  };
  const ready = c.sourceApp.status?.conditions?.find((x) => x.type === 'Ready');
  return [
    marker,
    `**Capstan promotion ${outcome.promotion}: ${c.source.name} → ${c.target.name}**`,
    '',
    '| stage | application | state |',
    '|---|---|---|',
    `| ${c.source.name} (source) | \`${c.source.application}\` | ${stand(c.sourceApp)}${ready ? `, Ready since ${ready.lastTransitionTime}` : ''} |`,
    `| ${c.target.name} (target) | \`${c.target.application}\` | ${stand(c.targetApp)} |`,
    '',
    `Promoting \`${outcome.revision.slice(0, 7)}\`: ${outcome.changes.join('; ')}. Merging deploys it to ${c.target.name}.`,
    '',
    `_Updated ${now.toISOString()}._`,
  ].join('\n');
}

/** At most this many characters of rendered diff in a pull request's body (GitHub allows 65,536). */
const BODY_DIFF_LIMIT = 50_000;

function pullRequestBody(
  name: string,
  source: StageSettings,
  target: StageSettings,
  outcome: PromotionOutcome,
): string {
  const lines = [
    `Capstan promotes **${name}** from **${source.name}** (\`${source.application}\`, Healthy at ${outcome.revision.slice(0, 7)}) to **${target.name}** (\`${target.application}\`).`,
    '',
    `Changes to \`${outcome.file}\`:`,
    ...outcome.changes.map((c) => `- ${c}`),
    '',
    `### What ${target.name} renders differently`,
  ];
  let budget = BODY_DIFF_LIMIT;
  for (const d of outcome.diff) {
    const block = `<details><summary>${d.object} (${d.change})</summary>\n\n\`\`\`diff\n${d.diff}\`\`\`\n</details>`;
    if (block.length > budget) {
      lines.push(
        `… and ${outcome.diff.length - outcome.diff.indexOf(d)} more objects (diff cut at ${BODY_DIFF_LIMIT} characters)`,
      );
      break;
    }
    budget -= block.length;
    lines.push(block);
  }
  lines.push('', `<!-- capstan:promotion:${name}:${target.name} -->`);
  return lines.join('\n');
}
