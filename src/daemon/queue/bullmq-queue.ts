/**
 * The sync queue on Redis, for several daemon replicas sharing the work.
 *
 * BullMQ moves jobs, retries lost workers' jobs (its stall check) and orders by priority;
 * what it lacks here — one pending and one running sync per application, across replicas —
 * lives in the per-application state of `bullmq-scripts.ts`. A BullMQ job is only a *ticket*:
 * "run whatever is pending for app X"; its data is just the application. The request itself
 * is in the `pending` hash, where a newer one replaces it in place, so a burst of 100
 * webhooks is one hash entry and one job.
 *
 * A worker that takes a ticket claims the application (Lua: lock with SET PX, pending →
 * running). If another replica holds the lock, the claim swaps in a new ticket, which this
 * worker adds delayed by `lockedRetryMs`; the lock holder wakes (promotes) it when its run
 * ends, so the delay only matters if that replica dies. The holder renews its lock every
 * third of `lockTtlMs`, and releases it in a `finally`; a dead replica's lock expires, and
 * the periodic sweep (or the next claim) makes its request pending again.
 */
import { randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { CapstanError, setRepeatingTimer, setTimer } from '../../core/index.js';
import { realClock } from '../../runtime/index.js';
import { appKeys, CLAIM, ENQUEUE, FINISH, HAND_BACK, RENEW, SWEEP } from './bullmq-scripts.js';
import {
  checkRequest,
  closedError,
  positiveInteger,
  PRIORITY_RANK,
  priorityOfRank,
  resolveQueueOptions,
  retryDelayMs,
  type ResolvedQueueOptions,
  type SyncQueueOptions,
} from './options.js';
import { RunningSyncs, type RunningSync } from './running-syncs.js';
import type { SyncHandler, SyncJob, SyncQueue, SyncQueueSnapshot, SyncRequest } from './types.js';

/** Settings of `BullMqSyncQueue`. */
export interface BullMqSyncQueueOptions extends SyncQueueOptions {
  /** `redis://[:password@]host:port[/db]` (or `rediss://`). */
  redisUrl: string;
  /** BullMQ queue name, shared by the replicas (default `capstan-sync`; no `:`). */
  queueName?: string;
  /** Key prefix (default `capstan`). */
  prefix?: string;
  /** Expiry of an application's lock, renewed every third of it while the sync runs (default 30 s). */
  lockTtlMs?: number;
  /** When a claim finds the application locked, retry after this long unless woken first (default 5 s). */
  lockedRetryMs?: number;
  /** How often a worker recovers dead replicas' runs and lost tickets (default 30 s). */
  sweepEveryMs?: number;
}

/** A pending or running entry as stored in Redis. */
interface Entry {
  req: SyncRequest;
  attempt: number;
}

type JobData = { app: string };

export class BullMqSyncQueue implements SyncQueue {
  readonly #o: ResolvedQueueOptions;
  readonly #url: string;
  readonly #name: string;
  readonly #prefix: string;
  readonly #lockTtlMs: number;
  readonly #lockedRetryMs: number;
  readonly #sweepEveryMs: number;
  readonly #keys: string[];
  readonly #lockPrefix: string;
  readonly #redis: Redis;
  readonly #queue: Queue<JobData>;
  readonly #runs = new RunningSyncs();
  /** The lock token of each run of this replica. */
  readonly #tokens = new WeakMap<RunningSync, string>();
  #worker: Worker<JobData> | undefined;
  #handler: SyncHandler | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;

  constructor(options: BullMqSyncQueueOptions) {
    this.#o = resolveQueueOptions(options);
    if (typeof options.redisUrl !== 'string' || !/^rediss?:\/\//.test(options.redisUrl)) {
      throw new CapstanError('QUEUE_INVALID_OPTION', 'redisUrl must be a redis:// or rediss:// URL', {
        option: 'redisUrl',
      });
    }
    this.#url = options.redisUrl;
    this.#name = options.queueName ?? 'capstan-sync';
    if (this.#name === '' || this.#name.includes(':')) {
      throw new CapstanError(
        'QUEUE_INVALID_OPTION',
        `queueName must be non-empty without ':', got ${this.#name}`,
        {
          option: 'queueName',
        },
      );
    }
    this.#prefix = options.prefix ?? 'capstan';
    this.#lockTtlMs = options.lockTtlMs ?? 30_000;
    this.#lockedRetryMs = options.lockedRetryMs ?? 5_000;
    this.#sweepEveryMs = options.sweepEveryMs ?? 30_000;
    positiveInteger('lockTtlMs', this.#lockTtlMs);
    positiveInteger('lockedRetryMs', this.#lockedRetryMs);
    positiveInteger('sweepEveryMs', this.#sweepEveryMs);

    const base = `${this.#prefix}:${this.#name}:apps:`;
    this.#keys = appKeys(base);
    this.#lockPrefix = `${base}lock:`;
    this.#redis = new Redis(this.#url, { lazyConnect: false });
    this.#redis.on('error', (e) => this.#o.onError(e));
    for (const [name, lua] of Object.entries({ CLAIM, ENQUEUE, FINISH, HAND_BACK, RENEW, SWEEP })) {
      this.#redis.defineCommand(`capstan${name}`, { numberOfKeys: this.#keys.length, lua });
    }
    this.#queue = new Queue<JobData>(this.#name, { connection: this.#redis, prefix: this.#prefix });
    this.#queue.on('error', (e) => this.#o.onError(e));
  }

  async enqueue(req: SyncRequest): Promise<void> {
    if (this.#closing) throw closedError('enqueue');
    const r = checkRequest(req);
    const entry: Entry = { req: r, attempt: 1 };
    const [ticket, rank, oldRank, wasDue] = (await this.#script(
      'ENQUEUE',
      r.app,
      JSON.stringify(entry),
      PRIORITY_RANK[r.priority],
    )) as [string, number, number, number];
    const job = await this.#addTicket(r.app, ticket, rank, 0);
    // The ticket job already existed (the add was a no-op): bring it up to the merged
    // priority, and out of a failed request's backoff, which the newer request cancelled.
    // Either may find the job gone or running already (another replica took it): nothing to do then.
    if (oldRank > 0 && rank > oldRank)
      await job.changePriority({ priority: bullPriority(rank) }).catch(() => {});
    if (wasDue) await job.promote().catch(() => {});
  }

  process(handler: SyncHandler): void {
    if (this.#closing) throw closedError('process');
    if (this.#handler)
      throw new CapstanError('QUEUE_ALREADY_PROCESSING', 'process() was already called on this queue');
    this.#handler = handler;
    this.#worker = new Worker<JobData>(this.#name, (job) => this.#processJob(job), {
      connection: { url: this.#url },
      prefix: this.#prefix,
      concurrency: this.#o.concurrency,
    });
    this.#worker.on('error', (e) => this.#o.onError(e));
    // Only the queue's own troubles get here (a Redis error mid-claim): the handler's errors
    // are caught and retried by #finish. The ticket job is gone then; the sweep re-adds it.
    this.#worker.on('failed', (_job, e) => this.#o.onError(e));
    const sweep = () => {
      if (this.#closing) return;
      void this.#sweep().catch((e) => this.#o.onError(e));
      this.#sweepTimer = setTimer(sweep, this.#sweepEveryMs);
    };
    sweep();
  }

  close(opts: { graceMs?: number } = {}): Promise<void> {
    this.#closing ??= this.#close(opts.graceMs ?? this.#o.graceMs);
    return this.#closing;
  }

  async snapshot(): Promise<SyncQueueSnapshot> {
    if (this.#closed) throw closedError('snapshot');
    const [pending, prio, due, tickets, running, runinfo] = this.#keys;
    const replies = await this.#redis
      .multi()
      .hgetall(pending)
      .hgetall(prio)
      .hgetall(due)
      .hgetall(tickets)
      .hgetall(running)
      .hgetall(runinfo)
      .exec();
    const [p, pr, d, t, r, ri] = (replies ?? []).map(([err, value]) => {
      if (err) throw err;
      return value as Record<string, string>;
    });
    const seq = (app: string) => Number(t[app]?.slice('sync-'.length) ?? Infinity);
    const pendingJobs = Object.keys(p)
      .sort(
        (a, b) => Number(pr[b]) - Number(pr[a]) || Number(d[a] ?? 0) - Number(d[b] ?? 0) || seq(a) - seq(b),
      )
      .map((app) => toJob(p[app], Number(pr[app])));
    const runningJobs = Object.keys(r).map((app) => toJob(r[app], Number(ri[app]?.split(' ')[0])));
    return { pending: pendingJobs, running: runningJobs };
  }

  async #close(graceMs: number): Promise<void> {
    clearTimeout(this.#sweepTimer);
    // Stops fetching at once; resolves when every processor has returned.
    const workerClosed = this.#worker?.close();
    await this.#runs.drain(graceMs, realClock, (run) => this.#handBack(run));
    try {
      await workerClosed;
    } catch (e) {
      this.#o.onError(e);
    }
    await this.#queue.close().catch((e) => this.#o.onError(e));
    await this.#redis.quit().catch(() => this.#redis.disconnect());
    this.#closed = true;
  }

  async #processJob(job: Job<JobData>): Promise<void> {
    const handler = this.#handler;
    const app = job.data.app;
    if (!handler || typeof app !== 'string') return;
    const token = randomUUID();
    const claim = (await this.#script('CLAIM', app, token, this.#lockTtlMs, Date.now(), job.id ?? '')) as [
      string,
      string,
      string,
      string | number,
    ];
    if (claim[0] === 'stale') {
      if (claim[1]) await this.#addTicket(app, claim[1], Number(claim[2]), Number(claim[3]) - Date.now());
      return;
    }
    if (claim[0] === 'defer') {
      const due = Number(claim[3]);
      const delay = due > 0 ? due - Date.now() : this.#lockedRetryMs;
      await this.#addTicket(app, claim[1], Number(claim[2]), delay);
      return;
    }
    const sync = toJob(claim[1], Number(claim[2]));
    if (this.#closing) {
      // Taken just as the queue began to close: give it straight back.
      await this.#script('HAND_BACK', app, token).then((r) => this.#afterHandBack(app, r));
      await this.#finish(sync, token, 'back');
      return;
    }
    const run = this.#runs.start(sync, handler);
    this.#tokens.set(run, token);
    const renew = setRepeatingTimer(
      () => void this.#renew(run, token),
      Math.max(1, Math.floor(this.#lockTtlMs / 3)),
    );
    let result;
    try {
      result = await run.settled;
    } finally {
      clearInterval(renew);
    }
    if (run.handedBack) await this.#finish(sync, token, 'back');
    else if (result.ok) await this.#finish(sync, token, 'ok');
    else await this.#finish(sync, token, 'fail', result.error);
  }

  async #renew(run: RunningSync, token: string): Promise<void> {
    try {
      const ours = await this.#script('RENEW', run.job.app, token, this.#lockTtlMs);
      if (ours === 0 && !run.controller.signal.aborted) {
        run.controller.abort(
          new CapstanError(
            'QUEUE_LOCK_LOST',
            `lost the lock of ${run.job.app}: another replica may sync it now`,
            {
              app: run.job.app,
            },
          ),
        );
      }
    } catch (e) {
      // Redis unreachable for now: the lock outlives a short outage; if it expires, the
      // renewal after reconnecting finds it gone and aborts.
      this.#o.onError(e);
    }
  }

  async #finish(job: SyncJob, token: string, how: 'ok' | 'fail' | 'back', error?: unknown): Promise<void> {
    const retry = how === 'fail' && job.attempt < this.#o.attempts;
    const delay = retry ? retryDelayMs(job.attempt, this.#o) : 0;
    const retryEntry: Entry | undefined = retry
      ? { req: stripAttempt(job), attempt: job.attempt + 1 }
      : undefined;
    const [outcome, ticket, rank] = (await this.#script(
      'FINISH',
      job.app,
      token,
      how,
      retryEntry ? JSON.stringify(retryEntry) : '',
      Date.now() + delay,
    )) as [string, string | undefined, string | number | undefined];
    if (outcome === 'retry') await this.#addTicket(job.app, ticket!, Number(rank), delay);
    else if (ticket) await this.#wake(job.app, ticket, Number(rank));
    if (outcome === 'exhausted') {
      try {
        this.#o.onFailed({ ...job }, error);
      } catch (e) {
        this.#o.onError(e);
      }
    }
  }

  async #handBack(run: RunningSync): Promise<void> {
    try {
      const reply = await this.#script('HAND_BACK', run.job.app, this.#tokens.get(run) ?? '');
      await this.#afterHandBack(run.job.app, reply);
    } catch (e) {
      this.#o.onError(e);
    }
  }

  async #afterHandBack(app: string, reply: unknown): Promise<void> {
    const [what, ticket, rank] = reply as [string, string, string];
    if (what === 'queued') await this.#addTicket(app, ticket, Number(rank), 0);
  }

  /** Re-adds every pending application's ticket job (no-op where it exists), after recovering dead runs. */
  async #sweep(): Promise<void> {
    const flat = (await this.#script('SWEEP', '')) as string[];
    const now = Date.now();
    for (let i = 0; i < flat.length; i += 4) {
      const due = Number(flat[i + 3]);
      await this.#addTicket(flat[i], flat[i + 1], Number(flat[i + 2]), due > now ? due - now : 0);
    }
  }

  /** Makes a deferred ticket runnable now: create it if its add was lost, promote it if delayed. */
  async #wake(app: string, ticket: string, rank: number): Promise<void> {
    const job = await this.#addTicket(app, ticket, rank, 0);
    await job.promote().catch(() => {});
  }

  /** Adds the ticket job; BullMQ ignores an id that exists, so this is idempotent. */
  #addTicket(app: string, ticket: string, rank: number, delayMs: number): Promise<Job<JobData>> {
    return this.#queue.add(
      'sync',
      { app },
      {
        jobId: ticket,
        priority: bullPriority(rank),
        delay: Math.max(0, Math.ceil(delayMs)),
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  #script(name: string, app: string, ...args: (string | number)[]): Promise<unknown> {
    const command = (
      this.#redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>
    )[`capstan${name}`];
    return command.call(this.#redis, ...this.#keys, this.#lockPrefix, app, ...args);
  }
}

/** BullMQ runs lower numbers first: manual 1, webhook 2, poll 3. */
function bullPriority(rank: number): number {
  return 4 - (rank >= 1 && rank <= 3 ? rank : 1);
}

function toJob(json: string, rank: number): SyncJob {
  const entry = JSON.parse(json) as Entry;
  return { ...entry.req, priority: priorityOfRank(rank), attempt: entry.attempt };
}

function stripAttempt(job: SyncJob): SyncRequest {
  const { app, revision, priority, reason, requestedAt } = job;
  return { app, revision, priority, reason, requestedAt };
}
