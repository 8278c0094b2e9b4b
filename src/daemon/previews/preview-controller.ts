/**
 * The preview controller (issue 12): for each PreviewSet, one Application per open pull
 * request into its base branch, at the pull request's head commit, in a namespace of its
 * own; removed when the pull request closes, when its TTL since the last push runs out, or
 * for the cap; and one comment per pull request, kept up to date.
 *
 * Level-triggered, in the shape of kubernetes/sample-controller: webhooks, PreviewSet and
 * preview Application events only queue the set's name; a worker re-reads everything and
 * converges. The provider's list of open pull requests is read when the set's poll
 * interval has passed (with its ETag: an unchanged list costs no rate limit), repairing
 * whatever a lost webhook missed. Provider failures never stop a preview from deploying:
 * they are logged, shown in the set's `ProviderAvailable` condition and retried on the
 * next change or poll.
 */
import { createHash } from 'node:crypto';
import {
  PREVIEW_SET_LABEL,
  type Application,
  type Condition,
  type PreviewRecord,
  type PreviewSet,
  type PreviewSetStatus,
} from '../../core/index.js';
import type { Cluster } from '../../cluster/index.js';
import type { Api } from '../../controlplane/index.js';
import { redactText } from '../../git/index.js';
import type { GitProvider } from '../../providers/index.js';
import {
  realClock,
  runWorkers,
  setCondition,
  toKubeTime,
  WorkQueue,
  type Clock,
  type Workers,
} from '../../runtime/index.js';
import type { PullRequestEvent } from '../webhooks/index.js';
import { normalizeRepoUrl } from '../webhooks/index.js';
import { previewComment, previewMarker, type PreviewDiff } from './preview-comment.js';
import { previewDiff, type PreviewDiffDeps } from './preview-diff.js';
import { ensurePreviewNamespace, sweepPreviewNamespaces } from './preview-namespaces.js';
import { planPreviews } from './preview-plan.js';
import {
  previewApplication,
  previewName,
  previewSettings,
  type OpenPullRequest,
  type PreviewSettings,
} from './preview-settings.js';
import { PreviewStore } from './preview-store.js';
import { previewURL } from './preview-url.js';
import { OpenPullRequests } from './open-pull-requests.js';

export type PreviewLog = (
  level: 'info' | 'warn' | 'error',
  fields: Record<string, unknown>,
  msg: string,
) => void;

export interface PreviewControllerDeps extends PreviewDiffDeps {
  api: Api;
  /** the client of a provider reference (throws PROVIDER_TOKEN_MISSING) */
  provider(ref: PreviewSettings['provider']): GitProvider;
  /** a destination cluster by name; undefined: the daemon's default */
  cluster(name: string | undefined): Cluster;
  log?: PreviewLog;
  clock?: Clock;
}

/** What the controller keeps of one set between reconciles. */
interface SetState {
  pulls: OpenPullRequests;
  generation?: number;
  lastPollAt?: number;
  /** rendered diffs by `number:headSha` */
  diffs: Map<string, PreviewDiff>;
  /** a digest of the Application last applied, by preview name */
  applied: Map<string, string>;
}

/** A preview being deleted (a pull request reopened at once) is looked at again this soon. */
const DELETING_RECHECK_MS = 500;

const digest = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

const message = (e: unknown) => redactText(e instanceof Error ? e.message : String(e));

export class PreviewController {
  private readonly store: PreviewStore;
  private readonly clock: Clock;
  private readonly queue: WorkQueue;
  private readonly sets = new Map<string, SetState>();
  private readonly watches: { stop(): void }[] = [];
  private workers?: Workers;

  constructor(private readonly deps: PreviewControllerDeps) {
    this.store = new PreviewStore(deps.api);
    this.clock = deps.clock ?? realClock;
    this.queue = new WorkQueue({ clock: this.clock });
  }

  start(): void {
    this.watches.push(
      this.store.watch((type, set) => {
        const name = set.metadata.name;
        const generation = Number(set.metadata.generation ?? 0);
        // its own status writes change no generation: they queue nothing
        if (type === 'MODIFIED' && this.sets.get(name)?.generation === generation) return;
        this.queue.add(name);
      }),
      this.store.watchPreviews((type, app) => {
        const set = app.metadata.labels?.[PREVIEW_SET_LABEL];
        if (!set) return;
        if (type === 'DELETED' && !this.store.get(set)) void this.sweepOrphans(set, app);
        else this.queue.add(set);
      }),
    );
    this.workers = runWorkers({
      queue: this.queue,
      workers: 2,
      reconcile: (name) => this.reconcile(name),
      onError: (name, e) => this.log('warn', { previewset: name }, `previews: ${message(e)}; will retry`),
      clock: this.clock,
    });
  }

  async stop(): Promise<void> {
    for (const w of this.watches.splice(0)) w.stop();
    this.queue.shutDown();
    await this.workers?.exited;
  }

  /** A verified pull-request webhook: the sets of its repository and base branch look again at once. */
  onPullRequest(event: PullRequestEvent): void {
    const urls = new Set(event.repoUrls.map(normalizeRepoUrl));
    for (const set of this.store.list()) {
      if (!urls.has(normalizeRepoUrl(set.spec?.repoURL ?? ''))) continue;
      if (set.spec?.baseBranch !== event.baseBranch) continue;
      const open = event.action === 'opened' || event.action === 'reopened' || event.action === 'synchronize';
      // a sender that names no head commit: the poll will say
      if (open && !event.headSha) continue;
      const pr: OpenPullRequest = {
        number: event.number,
        headSha: event.headSha ?? '',
        headBranch: event.headBranch,
        ...(event.title ? { title: event.title } : {}),
        ...(event.url ? { url: event.url } : {}),
      };
      this.stateOf(set).pulls.event(pr, open, this.clock.now().getTime());
      this.queue.add(set.metadata.name);
    }
  }

  private stateOf(set: PreviewSet): SetState {
    let state = this.sets.get(set.metadata.name);
    if (!state) {
      state = { pulls: new OpenPullRequests(), diffs: new Map(), applied: new Map() };
      // after a restart: what the set recorded as open, until the first list says otherwise
      state.pulls.seed(
        (set.status?.previews ?? [])
          .filter((r) => r.state !== 'Closed')
          .map((r) => ({
            number: r.number,
            headSha: r.headSha,
            headBranch: r.headBranch,
            title: r.title,
            url: r.url,
          })),
      );
      this.sets.set(set.metadata.name, state);
    }
    return state;
  }

  private async reconcile(name: string): Promise<{ requeueAfter: number; jitter?: number } | void> {
    const set = this.store.get(name);
    if (!set || set.metadata.deletionTimestamp) {
      this.sets.delete(name); // its previews go with it: they are owned by it
      return;
    }
    const state = this.stateOf(set);
    state.generation = Number(set.metadata.generation ?? 0);
    const conditions = set.status?.conditions ?? [];
    let settings: PreviewSettings;
    try {
      settings = previewSettings(set);
    } catch (e) {
      await this.writeStatus(set, { conditions: this.ready(conditions, 'False', 'InvalidSpec', message(e)) });
      return; // the user must act: a new generation queues it again
    }
    const now = this.clock.now();
    const failures: string[] = [];
    let provider: GitProvider | undefined;
    try {
      provider = this.deps.provider(settings.provider);
    } catch (e) {
      failures.push(message(e));
    }
    if (provider && (state.lastPollAt === undefined || now.getTime() - state.lastPollAt >= settings.pollMs)) {
      state.lastPollAt = now.getTime();
      await this.poll(settings, state, provider).catch((e: unknown) =>
        failures.push(`listing pull requests: ${message(e)}`),
      );
    }

    const plan = planPreviews({
      set: name,
      ttlMs: settings.ttlMs,
      maxPreviews: settings.maxPreviews,
      open: state.pulls.open(),
      records: set.status?.previews ?? [],
      now,
    });
    const cluster = this.deps.cluster(settings.cluster);
    let waiting = false;
    for (const pr of plan.deploy) waiting = (await this.deploy(settings, state, cluster, pr)) || waiting;
    for (const number of plan.remove) {
      const preview = previewName(name, number);
      state.applied.delete(preview);
      const app = this.store.preview(preview);
      if (app && !app.metadata.deletionTimestamp) {
        this.log('info', { previewset: name, pr: number }, `previews: removing ${preview}`);
        await this.store.deletePreview(preview);
      }
    }
    await sweepPreviewNamespaces(cluster, name, (ns) => this.store.preview(ns) !== undefined);

    const records: PreviewRecord[] = [];
    for (const record of plan.records) {
      const done = provider
        ? await this.comment(settings, state, cluster, provider, record, failures)
        : false;
      // a closed pull request is forgotten once its comment says the preview is gone
      if (record.state === 'Closed' && (done || !record.commentDigest)) continue;
      records.push(record);
    }
    for (const key of [...state.diffs.keys()])
      if (!plan.deploy.some((pr) => key === `${pr.number}:${pr.headSha}`)) state.diffs.delete(key);

    const provided = failures.length
      ? { status: 'False' as const, reason: 'ProviderError', message: failures.at(-1)! }
      : { status: 'True' as const, reason: 'Succeeded', message: `${settings.provider.name} answered` };
    if (failures.length)
      this.log(
        'warn',
        { previewset: name },
        `previews: ${settings.provider.name}: ${failures.join('; ')}; will retry`,
      );
    let next = setCondition(conditions, { type: 'ProviderAvailable', ...provided }, now);
    const active = plan.deploy.length;
    next = this.ready(
      next,
      'True',
      'Succeeded',
      `${active} preview${active === 1 ? '' : 's'} of pull requests into ${settings.baseBranch}`,
    );
    await this.writeStatus(set, {
      previews: records,
      active,
      ...(state.lastPollAt !== undefined ? { lastPollAt: toKubeTime(new Date(state.lastPollAt)) } : {}),
      conditions: next,
    });

    const untilPoll =
      state.lastPollAt === undefined
        ? settings.pollMs
        : settings.pollMs - (this.clock.now().getTime() - state.lastPollAt);
    const after = Math.min(untilPoll, plan.nextExpiryMs === undefined ? Infinity : plan.nextExpiryMs + 50);
    return { requeueAfter: waiting ? DELETING_RECHECK_MS : Math.max(after, 1), jitter: 0.05 };
  }

  private async poll(settings: PreviewSettings, state: SetState, provider: GitProvider): Promise<void> {
    const askedAt = this.clock.now().getTime();
    const listed = await provider.listOpenPullRequests(settings.baseBranch);
    if (listed.unchanged) return;
    state.pulls.list(
      listed.pulls
        .filter((p) => p.state === 'open' && p.baseBranch === settings.baseBranch)
        .map((p) => ({
          number: p.number,
          headSha: p.headSha,
          headBranch: p.headBranch,
          title: p.title,
          url: p.url,
        })),
      askedAt,
    );
  }

  /** Creates or moves the preview's Application, and its namespace; true while an old one is still being deleted. */
  private async deploy(
    settings: PreviewSettings,
    state: SetState,
    cluster: Cluster,
    pr: OpenPullRequest,
  ): Promise<boolean> {
    const name = previewName(settings.name, pr.number);
    const current = this.store.preview(name);
    if (current?.metadata.deletionTimestamp) return true;
    const desired = previewApplication(settings, pr);
    const wanted = digest(desired);
    if (!current || state.applied.get(name) !== wanted) {
      if (current?.spec.source.targetRevision !== pr.headSha)
        this.log(
          'info',
          { previewset: settings.name, pr: pr.number, revision: pr.headSha.slice(0, 7) },
          `previews: ${name} at ${pr.headSha.slice(0, 7)}`,
        );
      await this.store.applyPreview(desired);
      state.applied.set(name, wanted);
    }
    await ensurePreviewNamespace(cluster, name, settings.name, pr.number);
    return false;
  }

  /** Writes the pull request's comment when it changed; true when the comment is up to date. */
  private async comment(
    settings: PreviewSettings,
    state: SetState,
    cluster: Cluster,
    provider: GitProvider,
    record: PreviewRecord,
    failures: string[],
  ): Promise<boolean> {
    let app: Application | undefined;
    let diff: PreviewDiff | undefined;
    if (record.state === 'Active') {
      app = this.store.preview(record.application!);
      diff = await this.diffOf(settings, state, record);
      if (app && app.status?.sync?.revision === record.headSha)
        record.previewURL = (await previewURL(app, cluster).catch(() => undefined)) ?? record.previewURL;
    } else if (!record.commentDigest) {
      // never commented: an Expired or Evicted preview still says why it is not there
      if (record.state === 'Closed') return true;
    }
    const body = previewComment({
      set: settings.name,
      baseBranch: settings.baseBranch,
      record,
      ttl: settings.ttlMs ? formatDuration(settings.ttlMs) : '0s',
      maxPreviews: settings.maxPreviews,
      ...(app ? { app } : {}),
      ...(record.previewURL ? { previewURL: record.previewURL } : {}),
      ...(diff ? { diff } : {}),
    });
    const written = digest(body);
    if (record.commentDigest === written) return true;
    try {
      await provider.upsertComment(record.number, previewMarker(settings.name), body);
      record.commentDigest = written;
      return true;
    } catch (e) {
      failures.push(`commenting on pull request #${record.number}: ${message(e)}`);
      return false;
    }
  }

  /** The rendered diff of the pull request's head, computed once per head commit. */
  private async diffOf(
    settings: PreviewSettings,
    state: SetState,
    record: PreviewRecord,
  ): Promise<PreviewDiff> {
    const key = `${record.number}:${record.headSha}`;
    let diff = state.diffs.get(key);
    if (!diff) {
      diff = await previewDiff(this.deps, settings, record.headSha);
      state.diffs.set(key, diff);
    }
    return diff;
  }

  /** After a PreviewSet was deleted, the namespaces of its previews once each is gone. */
  private async sweepOrphans(set: string, app: Application): Promise<void> {
    try {
      const cluster = this.deps.cluster(app.spec.destination?.cluster);
      await sweepPreviewNamespaces(cluster, set, (ns) => this.store.preview(ns) !== undefined);
    } catch (e) {
      this.log(
        'warn',
        { previewset: set },
        `previews: deleting the namespaces of deleted previews: ${message(e)}`,
      );
    }
  }

  private ready(
    conditions: readonly Condition[],
    status: 'True' | 'False',
    reason: string,
    text: string,
  ): Condition[] {
    return setCondition(conditions, { type: 'Ready', status, reason, message: text }, this.clock.now());
  }

  private async writeStatus(set: PreviewSet, status: PreviewSetStatus): Promise<void> {
    const current = set.status ?? {};
    const changed = (Object.keys(status) as (keyof PreviewSetStatus)[]).some(
      (k) => JSON.stringify(current[k]) !== JSON.stringify(status[k]),
    );
    if (changed) await this.store.writeStatus(set.metadata.name, status);
  }

  private log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string): void {
    this.deps.log?.(level, fields, msg);
  }
}

/** `72h`, `90m`, `2s`: the TTL as a comment shows it. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
