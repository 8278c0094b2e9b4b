/**
 * Auto-promotion (issue 12): a stage with `autoPromote: true` is promoted into by itself
 * once the stage before it is Healthy at a new commit and has stayed so for its soak time.
 * Level-triggered: every change of an Application or Promotion (and a timer for a soak time
 * or a closed window) looks at every auto stage again; a commit is promoted once — the
 * Promotion's status records it, so a restart does not promote it again. Auto-promotions
 * push to one branch per target, so there is one open promotion pull request per target,
 * updated by each new commit.
 */
import { isCapstanError, setTimer, type Application, type Promotion } from '../../core/index.js';
import type { PromoteRequest, PromotionOutcome } from './promoter.js';
import { promotionSettings } from './promotion-settings.js';

export interface AutoPromoterDeps {
  promotions(): Promotion[];
  application(name: string): Application | undefined;
  promote(name: string, request: PromoteRequest): Promise<PromotionOutcome>;
  log(level: 'info' | 'warn', fields: Record<string, unknown>, msg: string): void;
  now(): Date;
  /** says in the Promotion's status why an auto-promotion into `target` waits (undefined: it went through) */
  report?: (promotion: string, target: string, problem: string | undefined) => Promise<void>;
  /** how long to wait before looking again after a refusal that time may lift (default 60 s) */
  retryMs?: number;
}

/** The commit a stage runs when Healthy, Synced and Ready; undefined otherwise. */
function healthyRevision(app: Application | undefined): { revision: string; since: number } | undefined {
  const status = app?.status;
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  const revision = status?.sync?.revision;
  if (!revision || status?.health?.status !== 'Healthy' || status.sync?.status !== 'Synced') return undefined;
  if (ready?.status !== 'True') return undefined;
  return { revision, since: Date.parse(ready.lastTransitionTime) };
}

export class AutoPromoter {
  /** promotions running, by `promotion/target` */
  private readonly running = new Set<string>();
  /** the source commit last promoted (or found to need nothing), by `promotion/target` */
  private readonly settled = new Map<string, string>();
  /** what was last said about a pending auto-promotion, so a refusal is logged once */
  private readonly said = new Map<string, string>();
  /** after a refusal, a target is not tried again before this time (ms), whatever changes */
  private readonly blockedUntil = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private stopped = false;

  constructor(private readonly deps: AutoPromoterDeps) {}

  /** Looks at every auto stage (call on each change of an Application or Promotion). */
  evaluate(): void {
    if (this.stopped) return;
    for (const promotion of this.deps.promotions()) {
      let settings;
      try {
        settings = promotionSettings(promotion);
      } catch {
        continue; // an invalid Promotion is refused when promoted by hand, with its reason
      }
      settings.stages.forEach((target, i) => {
        if (i === 0 || !target.autoPromote) return;
        const source = settings.stages[i - 1];
        const healthy = healthyRevision(this.deps.application(source.application));
        if (!healthy) return;
        const key = `${settings.name}/${target.name}`;
        const done = promotion.status?.promotions?.some(
          (r) => r.from === source.name && r.to === target.name && r.revision === healthy.revision,
        );
        if (done || this.settled.get(key) === healthy.revision || this.running.has(key)) return;
        const blocked = this.blockedUntil.get(key) ?? 0;
        if (blocked > this.deps.now().getTime()) return this.wake(blocked);
        const soakEnds = healthy.since + source.soakMs;
        if (soakEnds > this.deps.now().getTime()) return this.wake(soakEnds);
        void this.run(key, settings.name, source.name, target.name, healthy.revision);
      });
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async run(key: string, name: string, from: string, to: string, revision: string): Promise<void> {
    this.running.add(key);
    try {
      const outcome = await this.deps.promote(name, { from, to, auto: true });
      this.settled.set(key, revision);
      this.blockedUntil.delete(key);
      if (this.said.delete(key)) await this.deps.report?.(name, to, undefined).catch(() => undefined);
      this.deps.log(
        'info',
        { promotion: name, from, to, revision: revision.slice(0, 7) },
        outcome.changes.length === 0
          ? `auto-promotion: ${to} already runs what ${from} runs at ${revision.slice(0, 7)}`
          : `auto-promotion: ${outcome.changes.join('; ')}${outcome.pullRequest ? ` (${outcome.pullRequest.url})` : ''}`,
      );
    } catch (e) {
      const message = isCapstanError(e) ? e.message : String(e);
      if (this.said.get(key) !== message) {
        this.deps.log('warn', { promotion: name, from, to }, `auto-promotion waits: ${message}`);
        this.said.set(key, message);
        await this.deps.report?.(name, to, message).catch(() => undefined);
      }
      // a closed window, a stale branch or a provider failure may pass: look again later
      const retryAt = this.deps.now().getTime() + (this.deps.retryMs ?? 60_000);
      this.blockedUntil.set(key, retryAt);
      this.wake(retryAt);
    } finally {
      this.running.delete(key);
    }
  }

  /** Evaluates again at `at` (the earliest of the times asked for). */
  private wake(at: number): void {
    if (this.stopped || at >= this.wakeAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = setTimer(
      () => {
        this.wakeAt = Infinity;
        this.timer = undefined;
        this.evaluate();
      },
      Math.max(0, at - this.deps.now().getTime()) + 50,
    );
  }
}
