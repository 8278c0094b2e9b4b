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
}

/** kube-apiserver's default --max-request-body-bytes is 3 MiB. */
export const defaultMaxBodyBytes = 3 * 1024 * 1024;

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
  };
}
