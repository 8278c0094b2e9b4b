/**
 * Sources shared by the applications that read them: a thousand applications of one
 * repository and branch are one poller, one refs check per interval and one fetch per
 * commit. Each new revision is reported to every application of the source.
 */
import { isCapstanError, setTimer } from '../core/index.js';
import { redactText, type CredentialSource, type WriteTarget } from '../git/index.js';
import {
  createAppSource,
  type AppSource,
  type AppSourceContext,
  type FetchedRevision,
  type SourceSpec,
} from './app-source.js';

export interface SourceRevision {
  revision: string;
  /** `startup`, `poll: main is at abc1234`, `local edit: a.yaml` */
  reason: string;
}

export interface SourceHubOptions {
  context: Omit<AppSourceContext, 'credentials'>;
  /**
   * Credentials for a repository no application gives its own (the registered repository
   * Secrets). Asked each time an application's source is set up: a source whose
   * credentials changed is a new source, which looks at the repository at once.
   */
  credentialsFor?: (repoURL: string) => CredentialSource | undefined;
  /** a source found a revision it had not reported: `app` should look again */
  onRevision: (app: string) => void;
  /** a check failed (reported once per failure, redacted) */
  onError: (app: string, message: string) => void;
}

/** One revision's files, fetched once for every application of the source that asks. */
interface SharedFetch {
  fetched: Promise<FetchedRevision>;
  users: number;
  linger?: NodeJS.Timeout;
}

interface Shared {
  source: AppSource;
  apps: Set<string>;
  latest?: SourceRevision;
  error?: string;
  fetches: Map<string, SharedFetch>;
}

/**
 * A fetched revision stays leased this long after its last user: the applications of one
 * source reconcile one after the other, not all at once, and each would fetch again.
 */
const LINGER_MS = 10_000;

export class SourceHub {
  private readonly shared = new Map<string, Shared>();
  private readonly keyOfApp = new Map<string, string>();

  constructor(private readonly options: SourceHubOptions) {}

  /**
   * Reads `app`'s files from `spec` from now on (a no-op when it already does), with
   * `credentials` (the application's own), else those registered for its repository.
   */
  async use(app: string, spec: SourceSpec, own?: CredentialSource): Promise<void> {
    const credentials = own ?? this.options.credentialsFor?.(spec.repoURL);
    const key = JSON.stringify([
      spec.repoURL,
      spec.targetRevision,
      spec.pollIntervalMs ?? 0,
      credentials ?? null,
    ]);
    if (this.keyOfApp.get(app) === key) return;
    await this.release(app);
    this.keyOfApp.set(app, key);
    let shared = this.shared.get(key);
    if (shared) {
      shared.apps.add(app);
      return;
    }
    const source = createAppSource(spec, { ...this.options.context, credentials });
    const entry: Shared = { source, apps: new Set([app]), fetches: new Map() };
    shared = entry;
    this.shared.set(key, shared);
    await source.watch(
      (revision, reason) => {
        entry.latest = { revision, reason };
        entry.error = undefined;
        for (const a of entry.apps) this.options.onRevision(a);
      },
      (e) => {
        entry.error = redactText(isCapstanError(e) ? `${e.message} [${e.code}]` : String(e));
        for (const a of entry.apps) this.options.onError(a, entry.error);
      },
    );
  }

  private sharedOf(app: string): Shared | undefined {
    const key = this.keyOfApp.get(app);
    return key === undefined ? undefined : this.shared.get(key);
  }

  /** Whether `app` reads a source (set up by its first reconcile). */
  has(app: string): boolean {
    return this.sharedOf(app) !== undefined;
  }

  /** The newest revision the source has seen, once its first check is done. */
  latest(app: string): SourceRevision | undefined {
    return this.sharedOf(app)?.latest;
  }

  /** The last check's error, until one succeeds. */
  error(app: string): string | undefined {
    return this.sharedOf(app)?.error;
  }

  display(app: string): string {
    return this.sharedOf(app)?.source.display ?? '';
  }

  /**
   * One commit's files, or the newest revision's (the one the source last reported). A
   * thousand applications of one repository share one fetch and one snapshot lease.
   */
  async fetch(app: string, commit?: string): Promise<FetchedRevision> {
    const shared = this.sharedOf(app);
    if (!shared) throw new Error(`no source for ${app}`); // a bug: use() comes first
    const revision = commit ?? shared.latest?.revision;
    if (!revision) return shared.source.fetch();
    let entry = shared.fetches.get(revision);
    if (!entry) {
      const created: SharedFetch = { fetched: shared.source.fetchCommit(revision), users: 0 };
      entry = created;
      shared.fetches.set(revision, created);
      created.fetched.catch(() => {
        if (shared.fetches.get(revision) === created) shared.fetches.delete(revision);
      });
    }
    const held = entry;
    held.users++;
    if (held.linger) clearTimeout(held.linger);
    held.linger = undefined;
    let fetched: FetchedRevision;
    try {
      fetched = await held.fetched;
    } catch (e) {
      held.users--;
      throw e;
    }
    let released = false;
    return {
      ...fetched,
      release: async () => {
        if (released) return;
        released = true;
        if (--held.users > 0) return;
        held.linger = setTimer(() => {
          if (held.users > 0 || shared.fetches.get(revision) !== held) return;
          shared.fetches.delete(revision);
          void fetched.release();
        }, LINGER_MS);
      },
    };
  }

  /** Looks for a new revision now (a webhook's push). */
  async checkNow(app: string): Promise<void> {
    await this.sharedOf(app)?.source.checkNow();
  }

  /** Where commits to `app`'s repository go (promotions, reverts); undefined for a local directory. */
  async writeTarget(app: string): Promise<WriteTarget | undefined> {
    const shared = this.sharedOf(app);
    if (!shared) throw new Error(`no source for ${app}`); // a bug: use() comes first
    return shared.source.writeTarget();
  }

  /** `app` no longer reads its source; the last application to go closes it. */
  async release(app: string): Promise<void> {
    const key = this.keyOfApp.get(app);
    if (key === undefined) return;
    this.keyOfApp.delete(app);
    const shared = this.shared.get(key);
    if (!shared) return;
    shared.apps.delete(app);
    if (shared.apps.size > 0) return;
    this.shared.delete(key);
    await Promise.all([...shared.fetches.values()].map((f) => SourceHub.drop(f)));
    await shared.source.close();
  }

  /** Ends a shared fetch's lease now (closing). */
  private static async drop(entry: SharedFetch): Promise<void> {
    if (entry.linger) clearTimeout(entry.linger);
    const fetched = await entry.fetched.catch(() => undefined);
    await fetched?.release();
  }

  async close(): Promise<void> {
    const all = [...this.shared.values()];
    this.shared.clear();
    this.keyOfApp.clear();
    await Promise.all(all.flatMap((s) => [...s.fetches.values()].map((f) => SourceHub.drop(f))));
    await Promise.all(all.map((s) => s.source.close()));
  }
}
