/** Options of the Kubernetes-compatible HTTP layer, with their defaults beside them. */
import { arch, platform } from 'node:os';
import type { Api } from '../types.js';
import type { PodLogSource } from './pod-logs.js';

/** What `/version` reports (k8s.io/apimachinery/pkg/version.Info). */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** The part of a pino logger the HTTP layer uses: constant messages with fields. */
export interface ApiHttpLogger {
  error(fields: Record<string, unknown>, message: string): void;
  debug?(fields: Record<string, unknown>, message: string): void;
}

export interface ApiHandlerOptions {
  api: Api;
  /** the bearer token every request but health and version checks must carry; unset = no auth */
  token?: string;
  /** largest request body accepted (default 3 MiB, kube-apiserver's limit) */
  maxBodyBytes?: number;
  /** overrides of what `/version` reports */
  version?: Partial<VersionInfo>;
  /** receives the detail of unexpected errors, which clients only see as a generic 500 */
  logger?: ApiHttpLogger;
  /** the clock for AGE cells of tables (default: the system clock) */
  now?: () => Date;
  /** serves `kubectl logs` (pods/log); unset: logs are not available */
  podLogs?: PodLogSource;
  /** watches one client (remote address) may hold open at once; more get 429 (default 1,000; 0: no limit) */
  maxWatchesPerClient?: number;
  /** bytes of events a watch may fall behind by before the server ends it (default 1 MiB) */
  watchBufferBytes?: number;
}

/** kube-apiserver's default --max-request-body-bytes is 3 MiB. */
export const defaultMaxBodyBytes = 3 * 1024 * 1024;

/**
 * Each watch over HTTP holds a connection: 1,000 stays under the server's per-address
 * connection cap (1,024) and far above real use — `kubectl get -w` opens one, Capstan's
 * kube driver one per watched kind and application. Clients inside the control plane
 * watch in process and are never counted.
 */
export const defaultMaxWatchesPerClient = 1000;

/**
 * What a watch may fall behind by, on top of what the kernel's socket buffers already hold
 * (a few hundred KiB to 4 MiB per connection on Linux): 128 ConfigMaps of 8 KiB, or about
 * 1,000 small Pod status updates — kube-apiserver's largest per-watcher channel holds 1,000
 * events. JSON lines are shared between watches of the same objects, so stalled watches
 * cost references; Table and metadata-only renders are per watch: at most 1,000 watches
 * × 1 MiB = 1 GiB per client, and only for a client with the API token.
 */
export const defaultWatchBufferBytes = 1024 * 1024;

/** Node's names for CPU architectures, as Go (GOARCH) spells them. */
const goArch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };

/** The version we claim: the Kubernetes minor whose API and discovery we follow. */
export function versionInfo(overrides: Partial<VersionInfo> = {}): VersionInfo {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-capstan',
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z',
    goVersion: `node ${process.version}`,
    compiler: 'node',
    platform: `${platform()}/${goArch[arch()] ?? arch()}`,
    ...overrides,
  };
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  api: Api;
  token: string | undefined;
  maxBodyBytes: number;
  version: VersionInfo;
  logger: ApiHttpLogger | undefined;
  now: () => Date;
  podLogs: PodLogSource | undefined;
  maxWatchesPerClient: number;
  watchBufferBytes: number;
}

export function resolveOptions(options: ApiHandlerOptions): ResolvedOptions {
  return {
    api: options.api,
    token: options.token || undefined,
    maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes,
    version: versionInfo(options.version),
    logger: options.logger,
    now: options.now ?? (() => new Date()),
    podLogs: options.podLogs,
    maxWatchesPerClient: options.maxWatchesPerClient ?? defaultMaxWatchesPerClient,
    watchBufferBytes: options.watchBufferBytes ?? defaultWatchBufferBytes,
  };
}
