/**
 * The destination clusters one daemon deploys to, by name: the built-in `in-process` (the
 * daemon's own control plane), those of the configuration file (`cluster:` as `default`,
 * and `clusters:`), and those registered as labelled Secrets in the control plane's
 * `capstan-system` namespace — watched, so that adding, changing or deleting such a Secret
 * adds, replaces (closing the old driver) or removes its cluster without a restart. Each
 * cluster is its own driver, with its own discovery and watches.
 */
import {
  CapstanError,
  CLUSTER_SECRET_LABEL,
  DEFAULT_CLUSTER_NAME,
  IN_PROCESS_CLUSTER,
  setTimer,
  type DaemonConfig,
  type DestinationClusterConfig,
  type KubeObject,
} from '../core/index.js';
import type { Api, PodLogSource } from '../controlplane/index.js';
import {
  embeddedCluster,
  kubeCluster,
  type Cluster,
  type ClusterWatch,
  type ClusterWatchEvent,
  type KubeClusterOptions,
  type KubeConfigSource,
} from '../cluster/index.js';
import type { ClusterInfo, ClusterRegistration } from './api.js';
import {
  checkRegistration,
  CLUSTER_SECRET_NAMESPACE,
  clusterSecretName,
  registrationFromSecret,
  secretClusterName,
  secretForRegistration,
  secretWhere,
} from './cluster-secret.js';
import { ReachabilityTracking } from './reachability.js';
import { readSecret } from './secrets.js';

export { CLUSTER_SECRET_NAMESPACE } from './cluster-secret.js';

export interface ClusterRegistryOptions {
  /** the daemon's own control plane: the `in-process` cluster, and where cluster Secrets live */
  api: Api;
  /** where the `in-process` cluster reads pods' logs (the control plane's node agents) */
  podLogs?: PodLogSource;
  /** `cluster:` and `clusters:` of the configuration file */
  config?: Pick<DaemonConfig, 'cluster' | 'clusters'>;
  /** settings of every kube driver (request timeout, watch resumption) */
  kube?: Omit<KubeClusterOptions, keyof KubeConfigSource>;
  /** where problems without a caller go: a cluster Secret that cannot be used */
  log?: (line: string) => void;
  /** where `tokenEnv` is read (default process.env) */
  env?: NodeJS.ProcessEnv;
}

/** What `onChange` listeners hear: a cluster's driver was added, replaced (the old one closed) or removed. */
export interface ClusterChange {
  type: 'added' | 'replaced' | 'removed';
  name: string;
}

interface Entry {
  info: ClusterInfo;
  /** unset when the registration could not make a driver: `error` says why */
  cluster?: Cluster;
  failure?: CapstanError;
  /** for Secret entries: what the driver was made from, to tell a real change */
  fingerprint?: string;
}

/** How long add() waits for the watch to deliver the Secret it wrote. */
const ADD_SETTLE_MS = 10_000;

export class ClusterRegistry {
  /** where applications naming no destination cluster go: `default` when `cluster:` names one, else `in-process` */
  readonly defaultName: string;
  private readonly fixed = new Map<string, Entry>();
  private readonly fromSecrets = new Map<string, Entry>();
  /** every cluster Secret the watch has delivered, by the Secret's name */
  private readonly secrets = new Map<string, KubeObject>();
  private readonly listeners = new Set<(change: ClusterChange) => void>();
  private readonly waiters = new Set<() => void>();
  /** why a Secret is not used (its cluster's name is taken), by Secret name: logged once */
  private ignored = new Map<string, string>();
  private watch: ClusterWatch | undefined;
  private closed = false;

  private constructor(private readonly options: ClusterRegistryOptions) {
    const inProcess = embeddedCluster(options.api, { podLogs: options.podLogs });
    this.fixed.set(IN_PROCESS_CLUSTER, {
      info: { name: IN_PROCESS_CLUSTER, server: IN_PROCESS_CLUSTER, origin: 'builtin' },
      cluster: inProcess,
    });
    const single = options.config?.cluster;
    this.defaultName = single && !('embedded' in single) ? DEFAULT_CLUSTER_NAME : IN_PROCESS_CLUSTER;
  }

  /**
   * Builds the registry: the configuration file's drivers (throwing CapstanError `KUBECONFIG_*`
   * or `SECRET_MISSING` when one is unusable, as at any start) and the cluster Secrets there
   * are now; later Secret changes apply as they come.
   */
  static async start(options: ClusterRegistryOptions): Promise<ClusterRegistry> {
    const registry = new ClusterRegistry(options);
    try {
      registry.addConfigured();
      registry.watch = await registry.inProcess.watch(
        'v1',
        'Secret',
        { namespace: CLUSTER_SECRET_NAMESPACE, labelSelector: CLUSTER_SECRET_LABEL },
        (event) => registry.onSecret(event),
        (error) => registry.log(`cluster Secrets are no longer watched: ${error.message}`),
      );
    } catch (e) {
      await registry.close();
      throw e;
    }
    return registry;
  }

  /** The cluster named `name`; throws `CLUSTER_NOT_FOUND` naming the known ones, or why a registration is unusable. */
  get(name: string): Cluster {
    const entry = this.entry(name);
    if (!entry) {
      const known = this.list().map((c) => c.name);
      throw new CapstanError(
        'CLUSTER_NOT_FOUND',
        `no destination cluster "${name}" (clusters: ${known.join(', ')})`,
        { name, known },
      );
    }
    if (!entry.cluster) throw entry.failure!;
    return entry.cluster;
  }

  /** Every cluster, sorted by name, without credentials. */
  list(): ClusterInfo[] {
    return [...this.fixed.values(), ...this.fromSecrets.values()]
      .map((e) => {
        const unreachable = e.cluster instanceof ReachabilityTracking ? e.cluster.lastError : undefined;
        return { ...e.info, ...(unreachable && !e.info.error ? { error: unreachable } : {}) };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Registers a cluster by writing its Secret (`capstan-system/cluster-<name>`), and resolves
   * once the registry uses it. Throws `CLUSTER_REGISTRATION_INVALID` for a bad registration
   * or a name the configuration file or the daemon itself holds.
   */
  async add(registration: ClusterRegistration): Promise<ClusterInfo> {
    checkRegistration(registration);
    if (this.fixed.has(registration.name)) {
      throw new CapstanError(
        'CLUSTER_REGISTRATION_INVALID',
        `cluster "${registration.name}" is ${this.fixed.get(registration.name)!.info.origin === 'builtin' ? "the daemon's own control plane" : 'set in the configuration file'}; choose another name`,
        { name: registration.name },
      );
    }
    await this.inProcess.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: CLUSTER_SECRET_NAMESPACE } },
      { fieldManager: 'capstan' },
    );
    const written = await this.inProcess.apply(secretForRegistration(registration), {
      fieldManager: 'capstan',
    });
    await this.seen(
      clusterSecretName(registration.name),
      written.metadata.resourceVersion as string | undefined,
    );
    const entry = this.entry(registration.name);
    return entry ? { ...entry.info } : secretInfo(registration);
  }

  /** Calls `listener` after each change of a cluster's driver; returns how to stop. */
  onChange(listener: (change: ClusterChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching Secrets and closes every driver; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watch?.stop();
    for (const w of this.waiters) w();
    const entries = [...this.fixed.values(), ...this.fromSecrets.values()];
    this.fixed.clear();
    this.fromSecrets.clear();
    await Promise.all(entries.map((e) => e.cluster?.close()));
  }

  private get inProcess(): Cluster {
    return this.fixed.get(IN_PROCESS_CLUSTER)!.cluster!;
  }

  private entry(name: string): Entry | undefined {
    return this.fixed.get(name) ?? this.fromSecrets.get(name);
  }

  private addConfigured(): void {
    const { cluster, clusters = [] } = this.options.config ?? {};
    if (cluster && !('embedded' in cluster)) {
      const driver = this.kube(cluster);
      this.fixed.set(DEFAULT_CLUSTER_NAME, {
        info: { name: DEFAULT_CLUSTER_NAME, server: driver.name, origin: 'config' },
        cluster: driver,
      });
    }
    for (const entry of clusters) {
      const driver = this.kube(this.configSource(entry));
      this.fixed.set(entry.name, {
        info: { name: entry.name, server: driver.name, origin: 'config' },
        cluster: driver,
      });
    }
  }

  /** A kube driver with the registry's settings, remembering whether its server answers. */
  private kube(source: KubeConfigSource): Cluster {
    return new ReachabilityTracking(kubeCluster({ ...this.options.kube, ...source }));
  }

  private configSource(entry: DestinationClusterConfig): KubeConfigSource {
    if ('kubeconfig' in entry) return { kubeconfig: entry.kubeconfig, context: entry.context };
    if ('inCluster' in entry) return { inCluster: true };
    const where = `clusters: ${entry.name}`;
    const token = entry.token;
    return {
      server: entry.server,
      // a token file is read again by the driver as it rotates; here only checked
      ...('file' in token
        ? { tokenFile: (readSecret(token, where, this.options.env), token.file) }
        : { token: readSecret(token, where, this.options.env) }),
      ...(entry.caFile !== undefined ? { caFile: entry.caFile } : {}),
      ...(entry.insecure ? { insecure: true } : {}),
    };
  }

  private onSecret(event: ClusterWatchEvent): void {
    if (this.closed) return;
    const key = event.object.metadata.name ?? '';
    if (event.type === 'DELETED') this.secrets.delete(key);
    else this.secrets.set(key, event.object);
    this.reconcileSecrets();
    for (const w of this.waiters) w();
  }

  /** Makes the Secret-registered drivers match the Secrets there are now. */
  private reconcileSecrets(): void {
    const wanted = new Map<string, KubeObject>();
    const ignored = new Map<string, string>();
    // by Secret name, so that of two Secrets naming one cluster the same one always wins
    for (const key of [...this.secrets.keys()].sort()) {
      const secret = this.secrets.get(key)!;
      const name = secretClusterName(secret);
      const holder = this.fixed.has(name)
        ? `the ${this.fixed.get(name)!.info.origin === 'builtin' ? 'daemon itself' : 'configuration file'}`
        : wanted.has(name) && secretWhere(wanted.get(name)!);
      if (holder)
        ignored.set(
          key,
          `${secretWhere(secret)}: cluster "${name}" is already registered by ${holder}; the Secret is ignored`,
        );
      else wanted.set(name, secret);
    }
    for (const [key, message] of ignored) if (this.ignored.get(key) !== message) this.log(message);
    this.ignored = ignored;
    for (const [name, entry] of this.fromSecrets) {
      if (wanted.has(name)) continue;
      this.fromSecrets.delete(name);
      void entry.cluster?.close();
      this.emit({ type: 'removed', name });
    }
    for (const [name, secret] of wanted) {
      const old = this.fromSecrets.get(name);
      const parsed = parseSecret(secret);
      if (old && old.fingerprint === parsed.fingerprint) continue;
      const next = this.entryFor(name, secret, parsed);
      this.fromSecrets.set(name, next);
      if (old) void old.cluster?.close();
      this.emit({ type: old ? 'replaced' : 'added', name });
    }
  }

  private entryFor(name: string, secret: KubeObject, parsed: ParsedSecret): Entry {
    const { registration, fingerprint } = parsed;
    if (!registration) return this.failed(name, '', parsed.error, fingerprint);
    const source: KubeConfigSource =
      'kubeconfig' in registration
        ? { kubeconfigData: registration.kubeconfig, context: registration.context }
        : {
            server: registration.server,
            token: registration.token,
            caData: registration.caData,
            insecure: registration.insecure,
          };
    try {
      const cluster = this.kube(source);
      return { info: { name, server: cluster.name, origin: 'secret' }, cluster, fingerprint };
    } catch (e) {
      const server = 'server' in registration ? registration.server : '';
      return this.failed(name, server, e, fingerprint, secretWhere(secret));
    }
  }

  private failed(name: string, server: string, e: unknown, fingerprint: string, where?: string): Entry {
    const failure =
      e instanceof CapstanError
        ? new CapstanError(e.code, where ? `${where}: ${e.message}` : e.message, { ...e.data, name })
        : new CapstanError('CLUSTER_REGISTRATION_INVALID', String(e), { name });
    this.log(`destination cluster "${name}" is unusable: ${failure.message}`);
    return {
      info: {
        name,
        server: secretInfo({ name, server, token: '' }).server,
        origin: 'secret',
        error: failure.message,
      },
      failure,
      fingerprint,
    };
  }

  /** Resolves once the watch has delivered `resourceVersion` of Secret `key` (or after ADD_SETTLE_MS). */
  private async seen(key: string, resourceVersion: string | undefined): Promise<void> {
    const done = () => this.closed || this.secrets.get(key)?.metadata.resourceVersion === resourceVersion;
    if (done()) return;
    await new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      const waiter = () => {
        if (done()) finish();
      };
      const timer = setTimer(finish, ADD_SETTLE_MS);
      this.waiters.add(waiter);
    });
  }

  private emit(change: ClusterChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (e) {
        this.log(`a listener of cluster changes failed: ${String(e)}`);
      }
    }
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

interface ParsedSecret {
  registration?: ClusterRegistration;
  error?: unknown;
  /** what a driver would be made from: equal fingerprints need no new driver */
  fingerprint: string;
}

function parseSecret(secret: KubeObject): ParsedSecret {
  try {
    const registration = registrationFromSecret(secret);
    return { registration, fingerprint: JSON.stringify(registration) };
  } catch (error) {
    return { error, fingerprint: JSON.stringify(secret.data ?? null) };
  }
}

/** A registration's listing before any driver exists: its server without credentials. */
function secretInfo(registration: ClusterRegistration): ClusterInfo {
  let server = 'kubeconfig';
  if ('server' in registration) {
    try {
      const u = new URL(registration.server);
      server = `${u.protocol}//${u.host}${u.pathname.replace(/\/$/, '')}`;
    } catch {
      server = '';
    }
  }
  return { name: registration.name, server, origin: 'secret' };
}
