/**
 * The daemon's part of the configuration file: its HTTP server, the sync queue, webhook
 * secrets and the applications it syncs.
 *
 *   server: { host: 127.0.0.1, port: 7070 }       # the daemon's API and webhooks
 *   queue: { redisUrl: redis://127.0.0.1:6379, concurrency: 4 }   # no redisUrl: in process
 *   cluster: { kubeconfig: ./kube.yaml }           # applications naming no destination cluster go here
 *   clusters:                                      # more destinations, by name (besides in-process)
 *     - { name: prod, kubeconfig: ./prod.yaml, context: prod-admin }
 *     - { name: edge, server: https://10.0.0.9:6443, tokenEnv: EDGE_TOKEN, caFile: ./edge-ca.pem }
 *   pollInterval: 3m
 *   webhooks:
 *     github: { secretEnv: GITHUB_WEBHOOK_SECRET }  # or { secretFile: /run/secrets/github }
 *   applications:
 *     - name: shop
 *       source: { repoURL: https://git.example.com/acme/shop.git, targetRevision: main, path: overlays/prod }
 *       triggerPaths: [".", /shared]
 *       pollInterval: 1m
 *       credentials: { usernameEnv: GIT_USER, passwordEnv: GIT_PASSWORD }   # or { file: ./git-creds.json }
 *   git:                          # limits on every Git source (these are the defaults)
 *     maxFetchBytes: 1Gi          # bytes one fetch may read
 *     maxBlobBytes: 64Mi          # one file
 *     maxSnapshotBytes: 2Gi       # one commit's files together
 *     maxFiles: 200000            # files in one commit
 *   render:                       # limits on every render (these are the defaults)
 *     maxObjects: 20000           # objects read or generated (a base counts per inclusion)
 *     maxBytes: 64Mi              # those objects as JSON
 *     maxKustomizations: 5000     # kustomization files built
 *
 * Secrets are never written in the file itself: only where to read them.
 */
import path from 'node:path';
import { durationMs, Fields, show } from './config-fields.js';
import type { JsonValue } from './object.js';

export const WEBHOOK_PROVIDERS = ['github', 'gitlab', 'gitea', 'bitbucket', 'generic'] as const;
export type WebhookProviderName = (typeof WEBHOOK_PROVIDERS)[number];

/** Where a secret is read from: a file (trimmed) or an environment variable. */
export type SecretRef = { file: string } | { env: string };

export type GitCredentialsRef =
  { file: string } | { env: { username?: string; password?: string; token?: string; bearerToken?: string } };

export interface SyncPolicyConfig {
  /** delete what the application created and Git no longer has (default true) */
  prune: boolean;
  /** correct drift on live objects (someone ran `kubectl edit`) instead of only reporting it (default false) */
  selfHeal: boolean;
  /** re-apply the last healthy revision when a revision ends Degraded (default true) */
  autoRollback: boolean;
  /** sync new commits and drift by itself (default true); false: only when asked */
  automated?: boolean;
  /** `CreateNamespace=true` */
  syncOptions?: string[];
}

export interface ApplicationConfig {
  name: string;
  /** the AppProject that bounds it (default `default`) */
  project?: string;
  /** the registered cluster it deploys to (default `in-process`) */
  destination?: { cluster?: string };
  source: { repoURL: string; targetRevision: string; path: string };
  /** the namespace of objects that name none (default `default`) */
  namespace?: string;
  syncPolicy: SyncPolicyConfig;
  /** how long a revision may take to become healthy (default 5 minutes) */
  healthTimeoutMs?: number;
  /** Argo CD's `ignoreDifferences` entries, checked by the diff layer when the daemon starts */
  ignoreDifferences?: JsonValue[];
  triggerPaths?: string[];
  pollIntervalMs?: number;
  credentials?: GitCredentialsRef;
}

/** Where the daemon applies: its embedded control plane (default), or a cluster through a kubeconfig. */
export type ClusterConfig =
  { embedded: true } | { kubeconfig?: string; context?: string; inCluster?: boolean };

/**
 * A named destination cluster (`clusters:`): a kubeconfig file (and context), the pod's
 * service account, or an API server URL with a bearer token read from a variable or file.
 */
export type DestinationClusterConfig = { name: string } & (
  | { kubeconfig: string; context?: string }
  | { inCluster: true }
  | { server: string; token: SecretRef; caFile?: string; insecure?: boolean }
);

/** The name `cluster:` is registered under when it names a kubeconfig or in-cluster credentials. */
export const DEFAULT_CLUSTER_NAME = 'default';

/** Limits on Git sources; unset ones take the defaults of src/git (DEFAULT_GIT_LIMITS). */
export interface GitLimitsConfig {
  maxFetchBytes?: number;
  maxBlobBytes?: number;
  maxSnapshotBytes?: number;
  maxFiles?: number;
}

/** Limits on renders; unset ones take the defaults of src/render (DEFAULT_RENDER_LIMITS). */
export interface RenderLimitsConfig {
  maxObjects?: number;
  maxBytes?: number;
  maxKustomizations?: number;
}

export interface DaemonConfig {
  /** where applications that name no destination cluster go */
  cluster?: ClusterConfig;
  /** named destination clusters */
  clusters?: DestinationClusterConfig[];
  /**
   * `publicUrl`: the daemon's API as its users reach it (`https://capstan.example.com`), for
   * the links in commit statuses and pull requests; none when unset.
   */
  server: { host?: string; port?: number; publicUrl?: string };
  queue: { redisUrl?: string; concurrency?: number };
  pollIntervalMs?: number;
  webhooks: { secrets: Partial<Record<WebhookProviderName, SecretRef>>; maxBodyBytes?: number };
  applications: ApplicationConfig[];
  git?: GitLimitsConfig;
  render?: RenderLimitsConfig;
}

export const DAEMON_CONFIG_FIELDS = [
  'cluster',
  'clusters',
  'server',
  'queue',
  'pollInterval',
  'webhooks',
  'applications',
  'git',
  'render',
] as const;

const APP_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function readSecretRef(f: Fields, v: JsonValue | undefined, at: string): SecretRef {
  const m = f.object(v, at, ['secretFile', 'secretEnv']);
  const file = f.string(m.secretFile, `${at}.secretFile`);
  const env = f.string(m.secretEnv, `${at}.secretEnv`);
  if ((file === undefined) === (env === undefined)) {
    f.fail(
      at,
      'give exactly one of secretFile (a file holding the secret) or secretEnv (a variable holding it)',
    );
  }
  return file !== undefined
    ? { file: path.resolve(path.dirname(path.resolve(f.file)), file) }
    : { env: env! };
}

function readCredentials(f: Fields, v: JsonValue | undefined, at: string): GitCredentialsRef | undefined {
  if (v === null || v === undefined) return undefined;
  const m = f.object(v, at, ['file', 'usernameEnv', 'passwordEnv', 'tokenEnv', 'bearerTokenEnv']);
  const file = f.string(m.file, `${at}.file`);
  const env = {
    username: f.string(m.usernameEnv, `${at}.usernameEnv`),
    password: f.string(m.passwordEnv, `${at}.passwordEnv`),
    token: f.string(m.tokenEnv, `${at}.tokenEnv`),
    bearerToken: f.string(m.bearerTokenEnv, `${at}.bearerTokenEnv`),
  };
  const envSet = Object.values(env).some((x) => x !== undefined);
  if (file !== undefined && envSet) f.fail(at, 'give either file or the *Env variables, not both');
  if (file !== undefined) return { file: path.resolve(path.dirname(path.resolve(f.file)), file) };
  if (!envSet) f.fail(at, 'give file, or usernameEnv and passwordEnv, or tokenEnv, or bearerTokenEnv');
  if ((env.username === undefined) !== (env.password === undefined) && env.token === undefined)
    f.fail(at, 'usernameEnv and passwordEnv go together');
  return {
    env: Object.fromEntries(Object.entries(env).filter(([, x]) => x !== undefined)) as Record<string, string>,
  };
}

function readApplication(f: Fields, v: JsonValue, at: string): ApplicationConfig {
  const m = f.object(v, at, [
    'name',
    'project',
    'source',
    'destination',
    'namespace',
    'syncPolicy',
    'healthTimeout',
    'ignoreDifferences',
    'triggerPaths',
    'pollInterval',
    'credentials',
  ]);
  const name = f.required(m.name, `${at}.name`);
  if (name.length > 63 || !APP_NAME.test(name))
    f.fail(
      `${at}.name`,
      `invalid name ${JSON.stringify(name)}: lowercase letters, digits and '-' (e.g. shop-prod)`,
    );
  const s = f.object(m.source, `${at}.source`, ['repoURL', 'targetRevision', 'path']);
  let repoURL = f.required(s.repoURL, `${at}.source.repoURL`);
  if (repoURL.startsWith('./') || repoURL.startsWith('../'))
    repoURL = path.resolve(path.dirname(path.resolve(f.file)), repoURL);
  const sourcePath = f.string(s.path, `${at}.source.path`) ?? '.';
  if (path.isAbsolute(sourcePath) || path.normalize(sourcePath).startsWith('..'))
    f.fail(`${at}.source.path`, `must be a directory inside the repository, got ${show(s.path ?? null)}`);
  const triggerPaths =
    m.triggerPaths === undefined ? undefined : f.list(m.triggerPaths, `${at}.triggerPaths`);
  triggerPaths?.forEach((p, i) => {
    if (typeof p !== 'string' || p === '')
      f.fail(`${at}.triggerPaths[${i}]`, `must be a path, got ${show(p)}`);
  });
  const pollIntervalMs = durationMs(f, m.pollInterval, `${at}.pollInterval`);
  if (pollIntervalMs === 0) f.fail(`${at}.pollInterval`, 'must be more than zero');
  const credentials = readCredentials(f, m.credentials, `${at}.credentials`);
  const namespace = f.string(m.namespace, `${at}.namespace`);
  const policy = f.object(m.syncPolicy, `${at}.syncPolicy`, [
    'automated',
    'prune',
    'selfHeal',
    'autoRollback',
    'syncOptions',
  ]);
  const syncOptions = f.list(policy.syncOptions, `${at}.syncPolicy.syncOptions`);
  syncOptions.forEach((o, i) => {
    if (o !== 'CreateNamespace=true' && o !== 'CreateNamespace=false')
      f.fail(`${at}.syncPolicy.syncOptions[${i}]`, `unknown option ${show(o)} (known: CreateNamespace=true)`);
  });
  const destination = f.object(m.destination, `${at}.destination`, ['cluster']);
  const cluster = f.string(destination.cluster, `${at}.destination.cluster`);
  const project = f.string(m.project, `${at}.project`);
  const flag = (key: string, dflt: boolean) => {
    const value = policy[key];
    if (value === undefined || value === null) return dflt;
    if (typeof value !== 'boolean')
      f.fail(`${at}.syncPolicy.${key}`, `must be true or false, got ${show(value)}`);
    return value;
  };
  const healthTimeoutMs = durationMs(f, m.healthTimeout, `${at}.healthTimeout`);
  if (healthTimeoutMs === 0) f.fail(`${at}.healthTimeout`, 'must be more than zero');
  const ignoreDifferences =
    m.ignoreDifferences === undefined ? undefined : f.list(m.ignoreDifferences, `${at}.ignoreDifferences`);
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(project !== undefined ? { project } : {}),
    ...(cluster !== undefined ? { destination: { cluster } } : {}),
    syncPolicy: {
      prune: flag('prune', true),
      selfHeal: flag('selfHeal', false),
      autoRollback: flag('autoRollback', true),
      automated: flag('automated', true),
      ...(syncOptions.length ? { syncOptions: syncOptions as string[] } : {}),
    },
    ...(healthTimeoutMs !== undefined ? { healthTimeoutMs } : {}),
    ...(ignoreDifferences ? { ignoreDifferences } : {}),
    source: {
      repoURL,
      targetRevision: f.string(s.targetRevision, `${at}.source.targetRevision`) ?? 'HEAD',
      path: sourcePath,
    },
    ...(triggerPaths ? { triggerPaths: triggerPaths as string[] } : {}),
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

function readCluster(f: Fields, v: JsonValue | undefined): ClusterConfig | undefined {
  if (v === null || v === undefined) return undefined;
  if (v === 'embedded') return { embedded: true };
  const m = f.object(v, 'cluster', ['kubeconfig', 'context', 'inCluster']);
  const kubeconfig = f.string(m.kubeconfig, 'cluster.kubeconfig');
  const context = f.string(m.context, 'cluster.context');
  if (m.inCluster !== undefined && typeof m.inCluster !== 'boolean')
    f.fail('cluster.inCluster', `must be true or false, got ${show(m.inCluster)}`);
  if (m.inCluster === true && kubeconfig !== undefined)
    f.fail('cluster', 'give either kubeconfig or inCluster: true, not both');
  if (m.inCluster !== true && kubeconfig === undefined)
    f.fail(
      'cluster',
      'give kubeconfig (a file, with an optional context) or inCluster: true; or write cluster: embedded',
    );
  return {
    ...(kubeconfig !== undefined
      ? { kubeconfig: path.resolve(path.dirname(path.resolve(f.file)), kubeconfig) }
      : {}),
    ...(context !== undefined ? { context } : {}),
    ...(m.inCluster === true ? { inCluster: true } : {}),
  };
}

/** Names a cluster: a DNS label, as Application destinations and Secrets name it. */
const CLUSTER_NAME = APP_NAME;
/** The embedded control plane's name (IN_PROCESS_CLUSTER in application.ts, which imports this file's layer). */
const RESERVED_CLUSTER_NAME = 'in-process';

function readDestinationCluster(f: Fields, v: JsonValue, at: string): DestinationClusterConfig {
  const m = f.object(v, at, [
    'name',
    'kubeconfig',
    'context',
    'inCluster',
    'server',
    'tokenEnv',
    'tokenFile',
    'caFile',
    'insecure',
  ]);
  const name = f.required(m.name, `${at}.name`);
  if (name.length > 63 || !CLUSTER_NAME.test(name))
    f.fail(
      `${at}.name`,
      `invalid name ${JSON.stringify(name)}: lowercase letters, digits and '-' (e.g. prod-eu)`,
    );
  if (name === RESERVED_CLUSTER_NAME)
    f.fail(`${at}.name`, `"${RESERVED_CLUSTER_NAME}" is the daemon's own control plane; choose another name`);
  const resolve = (file: string) => path.resolve(path.dirname(path.resolve(f.file)), file);
  const kubeconfig = f.string(m.kubeconfig, `${at}.kubeconfig`);
  const context = f.string(m.context, `${at}.context`);
  const server = f.string(m.server, `${at}.server`);
  const tokenEnv = f.string(m.tokenEnv, `${at}.tokenEnv`);
  const tokenFile = f.string(m.tokenFile, `${at}.tokenFile`);
  const caFile = f.string(m.caFile, `${at}.caFile`);
  for (const key of ['inCluster', 'insecure'])
    if (m[key] !== undefined && m[key] !== null && typeof m[key] !== 'boolean')
      f.fail(`${at}.${key}`, `must be true or false, got ${show(m[key])}`);
  const inCluster = m.inCluster === true;
  const ways = [
    kubeconfig !== undefined && 'kubeconfig',
    inCluster && 'inCluster: true',
    server !== undefined && 'server',
  ];
  const given = ways.filter((w): w is string => typeof w === 'string');
  if (given.length !== 1)
    f.fail(
      at,
      given.length === 0
        ? 'give kubeconfig (a file, with an optional context), inCluster: true, or server with tokenEnv or tokenFile'
        : `give one of ${given.join(', ')}, not several`,
    );
  const serverOnly = { tokenEnv, tokenFile, caFile, insecure: m.insecure ?? undefined };
  if (server === undefined)
    for (const [key, value] of Object.entries(serverOnly))
      if (value !== undefined) f.fail(`${at}.${key}`, 'goes with server only');
  if (kubeconfig === undefined && context !== undefined) f.fail(`${at}.context`, 'goes with kubeconfig only');
  if (kubeconfig !== undefined)
    return { name, kubeconfig: resolve(kubeconfig), ...(context ? { context } : {}) };
  if (inCluster) return { name, inCluster: true };
  if (!/^https?:\/\/[^/]/.test(server!))
    f.fail(`${at}.server`, `must be a URL such as https://10.0.0.1:6443, got ${show(server)}`);
  if ((tokenEnv === undefined) === (tokenFile === undefined))
    f.fail(
      at,
      'give exactly one of tokenEnv (a variable holding the token) or tokenFile (a file holding it)',
    );
  return {
    name,
    server: server!,
    token: tokenFile !== undefined ? { file: resolve(tokenFile) } : { env: tokenEnv! },
    ...(caFile !== undefined ? { caFile: resolve(caFile) } : {}),
    ...(m.insecure === true ? { insecure: true } : {}),
  };
}

function readDestinationClusters(
  f: Fields,
  v: JsonValue | undefined,
  cluster: ClusterConfig | undefined,
): DestinationClusterConfig[] | undefined {
  if (v === null || v === undefined) return undefined;
  const clusters = f.list(v, 'clusters').map((c, i) => readDestinationCluster(f, c, `clusters[${i}]`));
  clusters.forEach((c, i) => {
    const first = clusters.findIndex((o) => o.name === c.name);
    if (first !== i)
      f.fail(
        `clusters[${i}].name`,
        `duplicate cluster name ${JSON.stringify(c.name)} (also at clusters[${first}])`,
      );
    if (c.name === DEFAULT_CLUSTER_NAME && cluster && !('embedded' in cluster))
      f.fail(
        `clusters[${i}].name`,
        `"${DEFAULT_CLUSTER_NAME}" is the name of the cluster given by cluster:; choose another name`,
      );
  });
  return clusters;
}

/** A whole number of 1 or more: bytes may be written as a quantity (`64Mi`, `1Gi`). */
function readCount(
  f: Fields,
  v: JsonValue | undefined,
  at: string,
  unit: 'bytes' | 'files' | 'objects' | 'kustomizations',
): number | undefined {
  const n = unit === 'bytes' ? f.quantity(v, at, '64Mi') : v === null ? undefined : v;
  if (n === undefined) return undefined;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    const what = unit === 'bytes' ? 'bytes (or a quantity such as 64Mi)' : `${unit}, 1 or more`;
    f.fail(at, `must be a whole number of ${what}, got ${show(v ?? null)}`);
  }
  return n;
}

function readGitLimits(f: Fields, v: JsonValue | undefined): GitLimitsConfig | undefined {
  if (v === null || v === undefined) return undefined;
  const m = f.object(v, 'git', ['maxFetchBytes', 'maxBlobBytes', 'maxSnapshotBytes', 'maxFiles']);
  const limits: GitLimitsConfig = {
    maxFetchBytes: readCount(f, m.maxFetchBytes, 'git.maxFetchBytes', 'bytes'),
    maxBlobBytes: readCount(f, m.maxBlobBytes, 'git.maxBlobBytes', 'bytes'),
    maxSnapshotBytes: readCount(f, m.maxSnapshotBytes, 'git.maxSnapshotBytes', 'bytes'),
    maxFiles: readCount(f, m.maxFiles, 'git.maxFiles', 'files'),
  };
  return Object.fromEntries(Object.entries(limits).filter(([, n]) => n !== undefined));
}

function readRenderLimits(f: Fields, v: JsonValue | undefined): RenderLimitsConfig | undefined {
  if (v === null || v === undefined) return undefined;
  const m = f.object(v, 'render', ['maxObjects', 'maxBytes', 'maxKustomizations']);
  const limits: RenderLimitsConfig = {
    maxObjects: readCount(f, m.maxObjects, 'render.maxObjects', 'objects'),
    maxBytes: readCount(f, m.maxBytes, 'render.maxBytes', 'bytes'),
    maxKustomizations: readCount(f, m.maxKustomizations, 'render.maxKustomizations', 'kustomizations'),
  };
  return Object.fromEntries(Object.entries(limits).filter(([, n]) => n !== undefined));
}

/** Reads the daemon's fields of the top-level mapping `top`. */
export function readDaemonConfig(f: Fields, top: Record<string, JsonValue>): DaemonConfig {
  const cluster = readCluster(f, top.cluster);
  const clusters = readDestinationClusters(f, top.clusters, cluster);
  const server = f.object(top.server, 'server', ['host', 'port', 'publicUrl']);
  const queue = f.object(top.queue, 'queue', ['redisUrl', 'concurrency']);
  const redisUrl = f.string(queue.redisUrl, 'queue.redisUrl');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl))
    f.fail('queue.redisUrl', `must be a redis:// or rediss:// URL, got ${show(redisUrl)}`);
  const concurrency = queue.concurrency;
  if (
    concurrency !== undefined &&
    (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1)
  )
    f.fail('queue.concurrency', `must be a whole number of 1 or more, got ${show(concurrency)}`);
  const hooks = f.object(top.webhooks, 'webhooks', [...WEBHOOK_PROVIDERS, 'maxBodyBytes']);
  const secrets: DaemonConfig['webhooks']['secrets'] = {};
  for (const p of WEBHOOK_PROVIDERS)
    if (hooks[p] !== undefined) secrets[p] = readSecretRef(f, hooks[p], `webhooks.${p}`);
  const maxBodyBytes = hooks.maxBodyBytes;
  if (
    maxBodyBytes !== undefined &&
    (typeof maxBodyBytes !== 'number' || !Number.isInteger(maxBodyBytes) || maxBodyBytes < 1)
  )
    f.fail('webhooks.maxBodyBytes', `must be a whole number of bytes, got ${show(maxBodyBytes)}`);
  const applications = f
    .list(top.applications, 'applications')
    .map((a, i) => readApplication(f, a, `applications[${i}]`));
  const git = readGitLimits(f, top.git);
  const render = readRenderLimits(f, top.render);
  applications.forEach((a, i) => {
    const first = applications.findIndex((o) => o.name === a.name);
    if (first !== i)
      f.fail(
        `applications[${i}].name`,
        `duplicate application name ${JSON.stringify(a.name)} (also at applications[${first}])`,
      );
  });
  const pollIntervalMs = durationMs(f, top.pollInterval, 'pollInterval');
  if (pollIntervalMs === 0) f.fail('pollInterval', 'must be more than zero');
  const host = f.string(server.host, 'server.host');
  const port = f.port(server.port, 'server.port');
  const publicUrl = f.string(server.publicUrl, 'server.publicUrl');
  if (publicUrl !== undefined && !/^https?:\/\/[^/]/.test(publicUrl))
    f.fail(
      'server.publicUrl',
      `must be an http(s) URL such as https://capstan.example.com, got ${show(publicUrl)}`,
    );
  return {
    ...(cluster ? { cluster } : {}),
    ...(clusters ? { clusters } : {}),
    server: {
      ...(host !== undefined ? { host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(publicUrl !== undefined ? { publicUrl: publicUrl.replace(/\/+$/, '') } : {}),
    },
    queue: {
      ...(redisUrl !== undefined ? { redisUrl } : {}),
      ...(concurrency !== undefined ? { concurrency: concurrency as number } : {}),
    },
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    webhooks: { secrets, ...(maxBodyBytes !== undefined ? { maxBodyBytes: maxBodyBytes as number } : {}) },
    applications,
    ...(git ? { git } : {}),
    ...(render ? { render } : {}),
  };
}
