/**
 * An Application's spec as the reconciler uses it: defaults filled in, durations in ms,
 * `ignoreDifferences` checked. The API server has checked the types against the CRD's
 * schema; what a schema cannot say (a duration's syntax, a path inside the repository) is
 * checked here, with the field named, as `APP_INVALID`.
 */
import path from 'node:path';
import {
  CAPSTAN_API_VERSION,
  CONFIG_FIELD_MANAGER,
  DEFAULT_PROJECT,
  Fields,
  IN_PROCESS_CLUSTER,
  durationMs,
  type Application,
  type ApplicationConfig,
  type JsonValue,
} from '../core/index.js';
import { validateIgnoreDifferences, type IgnoreDifference } from '../diff/index.js';

export interface AppSettings {
  name: string;
  project: string;
  source: { repoURL: string; targetRevision: string; path: string };
  cluster: string;
  /** the namespace of objects that name none */
  namespace: string;
  automated: boolean;
  prune: boolean;
  selfHeal: boolean;
  autoRollback: boolean;
  createNamespace: boolean;
  retry: { limit: number; firstMs: number; factor: number; maxMs: number };
  healthTimeoutMs: number;
  ignoreDifferences: IgnoreDifference[];
  triggerPaths?: string[];
  pollIntervalMs?: number;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 300_000;

/** Errors name the application and the field: `application shop: spec.healthTimeout: …`. */
class AppFields extends Fields {
  override fail(at: string, message: string): never {
    return super.fail(at, message, 'APP_INVALID');
  }
}

/** `defaultCluster`: where applications naming no destination cluster go. */
export function settingsOf(app: Application, defaultCluster: string = IN_PROCESS_CLUSTER): AppSettings {
  const f = new AppFields(`application ${app.metadata.name}`);
  const spec = app.spec ?? {};
  const policy = spec.syncPolicy ?? {};
  const sourcePath = spec.source?.path || '.';
  if (!spec.source?.repoURL) f.fail('spec.source.repoURL', 'is required');
  if (path.isAbsolute(sourcePath) || path.normalize(sourcePath).startsWith('..'))
    f.fail(
      'spec.source.path',
      `must be a directory inside the repository, got ${JSON.stringify(sourcePath)}`,
    );
  const positive = (v: string | undefined, at: string) => {
    const ms = durationMs(f, v, at);
    if (ms === 0) f.fail(at, 'must be more than zero');
    return ms;
  };
  const options = policy.syncOptions ?? [];
  for (const [i, o] of options.entries())
    if (!/^CreateNamespace=(true|false)$/.test(o))
      f.fail(
        `spec.syncPolicy.syncOptions[${i}]`,
        `unknown option ${JSON.stringify(o)} (known: CreateNamespace=true)`,
      );
  const retry = policy.retry ?? {};
  const limit = retry.limit ?? 5;
  if (!Number.isInteger(limit) || limit < -1)
    f.fail('spec.syncPolicy.retry.limit', `must be a whole number, -1 for no limit, got ${limit}`);
  const factor = retry.backoff?.factor ?? 2;
  if (!(factor >= 1)) f.fail('spec.syncPolicy.retry.backoff.factor', `must be 1 or more, got ${factor}`);
  let ignoreDifferences: IgnoreDifference[] = [];
  try {
    if (spec.ignoreDifferences)
      ignoreDifferences = validateIgnoreDifferences(spec.ignoreDifferences, 'spec.ignoreDifferences');
  } catch (e) {
    f.fail('', (e as Error).message);
  }
  return {
    name: app.metadata.name,
    project: spec.project || DEFAULT_PROJECT,
    source: {
      repoURL: spec.source.repoURL,
      targetRevision: spec.source.targetRevision || 'HEAD',
      path: sourcePath,
    },
    cluster: spec.destination?.cluster || defaultCluster,
    namespace: spec.destination?.namespace || 'default',
    automated: policy.automated !== false,
    prune: policy.prune !== false,
    selfHeal: policy.selfHeal === true,
    autoRollback: policy.autoRollback !== false,
    createNamespace: options.includes('CreateNamespace=true'),
    retry: {
      limit,
      firstMs: positive(retry.backoff?.duration, 'spec.syncPolicy.retry.backoff.duration') ?? 5_000,
      factor,
      maxMs: positive(retry.backoff?.maxDuration, 'spec.syncPolicy.retry.backoff.maxDuration') ?? 180_000,
    },
    healthTimeoutMs: positive(spec.healthTimeout, 'spec.healthTimeout') ?? DEFAULT_HEALTH_TIMEOUT_MS,
    ignoreDifferences,
    ...(spec.triggerPaths?.length ? { triggerPaths: spec.triggerPaths } : {}),
    ...(spec.pollInterval ? { pollIntervalMs: positive(spec.pollInterval, 'spec.pollInterval') } : {}),
  };
}

/** A configuration file's application as the Application object the file's field manager applies. */
export function applicationFromConfig(
  a: ApplicationConfig,
  defaultCluster: string = IN_PROCESS_CLUSTER,
): Application {
  const duration = (ms: number | undefined) => (ms === undefined ? undefined : `${ms}ms`);
  const spec: Record<string, JsonValue | undefined> = {
    project: a.project,
    source: { repoURL: a.source.repoURL, targetRevision: a.source.targetRevision, path: a.source.path },
    destination: {
      cluster: a.destination?.cluster ?? defaultCluster,
      ...(a.namespace ? { namespace: a.namespace } : {}),
    },
    syncPolicy: {
      automated: a.syncPolicy.automated ?? true,
      prune: a.syncPolicy.prune,
      selfHeal: a.syncPolicy.selfHeal,
      autoRollback: a.syncPolicy.autoRollback,
      ...(a.syncPolicy.syncOptions?.length ? { syncOptions: a.syncPolicy.syncOptions } : {}),
    },
    healthTimeout: duration(a.healthTimeoutMs),
    ignoreDifferences: a.ignoreDifferences,
    triggerPaths: a.triggerPaths,
    pollInterval: duration(a.pollIntervalMs),
  };
  for (const k of Object.keys(spec)) if (spec[k] === undefined) delete spec[k];
  return {
    apiVersion: CAPSTAN_API_VERSION,
    kind: 'Application',
    metadata: { name: a.name, annotations: { 'capstan.dev/managed-by': CONFIG_FIELD_MANAGER } },
    spec: spec as unknown as Application['spec'],
  };
}
