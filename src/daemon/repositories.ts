/**
 * Git credentials registered as Secrets in the daemon's control plane (see repo-secret.ts
 * for the Secret and its matching rule), watched as the cluster Secrets are: adding,
 * rotating or deleting one applies without a restart. Sources ask `credentialsFor(url)`
 * each time they are set up; listeners hear which repositories a change concerns.
 */
import { CapstanError, setTimer, type KubeObject } from '../core/index.js';
import type { Cluster, ClusterWatch, ClusterWatchEvent } from '../cluster/index.js';
import type { CredentialSource } from '../git/index.js';
import type { RepositoryInfo, RepositoryRegistration } from './api.js';
import {
  canonicalUrl,
  checkedUrlKey,
  checkRegistration,
  matchRank,
  repositoryFromSecret,
  repositorySecretName,
  repoUrlKey,
  REPOSITORY_SECRET_LABEL,
  REPOSITORY_SECRET_NAMESPACE,
  secretForRegistration,
  secretWhere,
  unusableInfo,
  type RepositoryEntry,
} from './repo-secret.js';

export interface RepositoryRegistryOptions {
  /** the daemon's own control plane, where the Secrets live */
  cluster: Cluster;
  /** where problems without a caller go: a Secret that cannot be used (never its values) */
  log?: (line: string) => void;
}

/** Says whether a change of Secrets may change the credentials of the repository at `repoURL`. */
export type RepositoryChange = (repoURL: string) => boolean;

/** How long add() and remove() wait for the watch to deliver what they wrote. */
const SETTLE_MS = 10_000;

export class RepositoryRegistry {
  /** every repository Secret the watch delivered, by name */
  private readonly secrets = new Map<string, KubeObject>();
  /** usable entries, by Secret name (a duplicate of an earlier name is left out) */
  private entries: RepositoryEntry[] = [];
  private listing: RepositoryInfo[] = [];
  /** the problem last logged of each Secret, by name: logged once per change */
  private reported = new Map<string, string>();
  private readonly listeners = new Set<(change: RepositoryChange) => void>();
  private readonly waiters = new Set<() => void>();
  private watch: ClusterWatch | undefined;
  private closed = false;

  private constructor(private readonly options: RepositoryRegistryOptions) {}

  /** Watches the repository Secrets; resolves once those there are now are known. */
  static async start(options: RepositoryRegistryOptions): Promise<RepositoryRegistry> {
    const registry = new RepositoryRegistry(options);
    registry.watch = await options.cluster.watch(
      'v1',
      'Secret',
      { namespace: REPOSITORY_SECRET_NAMESPACE, labelSelector: REPOSITORY_SECRET_LABEL },
      (event) => registry.onSecret(event),
      (error) => registry.log(`repository Secrets are no longer watched: ${error.message}`),
    );
    return registry;
  }

  /**
   * The credentials the Secrets give `repoURL`: its `repository` Secret, else the template
   * with the longest matching path. None for a URL that carries its own user info, or is
   * not http(s).
   */
  credentialsFor(repoURL: string): CredentialSource | undefined {
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(repoURL.trim())) return undefined;
    const key = repoUrlKey(repoURL);
    if (!key) return undefined;
    let best: RepositoryEntry | undefined;
    let bestRank = -1;
    for (const entry of this.entries) {
      const rank = matchRank(entry.info.type, entry.key, key);
      if (rank > bestRank) [best, bestRank] = [entry, rank];
    }
    return best && { inline: best.credentials };
  }

  /** Every repository Secret, usable or not, sorted by URL: never a password or token. */
  list(): RepositoryInfo[] {
    return this.listing.map((i) => ({ ...i }));
  }

  /**
   * Writes the Secret of `reg`'s URL and type (`capstan-system/repo-<hash>` or
   * `creds-<hash>`), replacing the credentials it held, and resolves once sources use it.
   * Throws `REPO_INVALID` for a bad registration, `REPO_EXISTS` when another Secret (one
   * applied with kubectl) registers the same URL and type.
   */
  async add(reg: RepositoryRegistration): Promise<RepositoryInfo> {
    const { key } = checkRegistration(reg);
    const type = reg.template ? 'template' : 'repository';
    const name = repositorySecretName(type, key);
    const url = canonicalUrl(key);
    const held = this.listing.find(
      (i) => i.type === type && i.url === url && i.secret !== `${REPOSITORY_SECRET_NAMESPACE}/${name}`,
    );
    if (held)
      throw new CapstanError(
        'REPO_EXISTS',
        `${type} ${url} is registered by Secret ${held.secret}: change that Secret, or remove it first (capstan repo remove ${url})`,
        { url, secret: held.secret },
      );
    const cluster = this.options.cluster;
    await cluster.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: REPOSITORY_SECRET_NAMESPACE } },
      { fieldManager: 'capstan' },
    );
    const written = await cluster.apply(secretForRegistration(reg, key, name), { fieldManager: 'capstan' });
    const version = written.metadata.resourceVersion;
    await this.settled(() => this.secrets.get(name)?.metadata.resourceVersion === version);
    const info = this.listing.find((i) => i.secret === `${REPOSITORY_SECRET_NAMESPACE}/${name}`);
    return info ? { ...info } : { url, type, secret: `${REPOSITORY_SECRET_NAMESPACE}/${name}` };
  }

  /** Deletes every Secret registering `url` (either type); throws `REPO_NOT_FOUND` when none does. */
  async remove(url: string): Promise<RepositoryInfo[]> {
    const wanted = canonicalUrl(checkedUrlKey(url, 'repository'));
    const found = this.listing.filter((i) => i.url === wanted);
    if (found.length === 0)
      throw new CapstanError('REPO_NOT_FOUND', `no credentials are registered for ${wanted}`, {
        url: wanted,
      });
    for (const info of found) {
      const name = info.secret.slice(info.secret.indexOf('/') + 1);
      await this.options.cluster.delete({
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: REPOSITORY_SECRET_NAMESPACE,
        name,
      });
    }
    await this.settled(() =>
      found.every((i) => !this.secrets.has(i.secret.slice(i.secret.indexOf('/') + 1))),
    );
    return found;
  }

  /** Calls `listener` after each change of the Secrets; returns how to stop. */
  onChange(listener: (change: RepositoryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch?.stop();
    for (const w of this.waiters) w();
  }

  private onSecret(event: ClusterWatchEvent): void {
    if (this.closed) return;
    const name = event.object.metadata.name ?? '';
    if (event.type === 'DELETED') this.secrets.delete(name);
    else this.secrets.set(name, event.object);
    const before = this.entries;
    this.rebuild();
    const changed = changedEntries(before, this.entries);
    if (changed.length > 0) this.emit(changedRepositories(changed));
    for (const w of this.waiters) w();
  }

  /** The entries and the listing from the Secrets there are now; logs each new problem once. */
  private rebuild(): void {
    const entries: RepositoryEntry[] = [];
    const listing: RepositoryInfo[] = [];
    const problems = new Map<string, string>();
    for (const name of [...this.secrets.keys()].sort()) {
      const secret = this.secrets.get(name)!;
      let entry: RepositoryEntry;
      try {
        entry = repositoryFromSecret(secret);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        problems.set(name, message);
        listing.push(unusableInfo(secret, message));
        continue;
      }
      // of two Secrets of one URL and type, the first by name is used, always the same one
      const first = entries.find((x) => x.info.type === entry.info.type && x.info.url === entry.info.url);
      if (first) {
        const message = `${secretWhere(secret)}: ${entry.info.type} ${entry.info.url} is already registered by Secret ${first.info.secret}; this one is ignored`;
        problems.set(name, message);
        listing.push({ ...entry.info, error: message });
        continue;
      }
      entries.push(entry);
      listing.push(entry.info);
    }
    for (const [name, message] of problems) if (this.reported.get(name) !== message) this.log(message);
    this.reported = problems;
    this.entries = entries;
    this.listing = listing.sort((a, b) => a.url.localeCompare(b.url) || a.type.localeCompare(b.type));
  }

  /** Resolves once `done()` holds after a watch event (or after SETTLE_MS, or on close). */
  private async settled(done: () => boolean): Promise<void> {
    if (this.closed || done()) return;
    await new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      const waiter = () => {
        if (this.closed || done()) finish();
      };
      const timer = setTimer(finish, SETTLE_MS);
      this.waiters.add(waiter);
    });
  }

  private emit(change: RepositoryChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (e) {
        this.log(`a listener of repository changes failed: ${String(e)}`);
      }
    }
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

/** Entries added, removed or changed between two builds (both versions of a changed one). */
function changedEntries(before: RepositoryEntry[], after: RepositoryEntry[]): RepositoryEntry[] {
  const print = (e: RepositoryEntry) =>
    JSON.stringify([e.info.secret, e.info.type, e.info.url, e.credentials]);
  const old = new Set(before.map(print));
  const now = new Set(after.map(print));
  return [...before.filter((e) => !now.has(print(e))), ...after.filter((e) => !old.has(print(e)))];
}

function changedRepositories(changed: RepositoryEntry[]): RepositoryChange {
  return (repoURL) => {
    const key = repoUrlKey(repoURL);
    return key !== undefined && changed.some((e) => matchRank(e.info.type, e.key, key) >= 0);
  };
}
