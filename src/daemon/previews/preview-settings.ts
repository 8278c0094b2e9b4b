/**
 * A PreviewSet's spec as the preview controller uses it: durations in ms, defaults filled
 * in, and each preview's Application built from the set and one pull request. The API
 * server has checked the types against the CRD's schema; what a schema cannot say (a name
 * short enough for the previews' namespaces) is checked here as `PREVIEW_INVALID`.
 */
import {
  CAPSTAN_API_VERSION,
  Fields,
  durationMs,
  PREVIEW_SET_LABEL,
  PULL_REQUEST_LABEL,
  RESOURCES_FINALIZER,
  type Application,
  type GitProviderRef,
  type PreviewSet,
  type PreviewTemplate,
} from '../../core/index.js';

export const DEFAULT_TTL_MS = 72 * 3_600_000;
export const DEFAULT_MAX_PREVIEWS = 10;
export const DEFAULT_PREVIEW_POLL_MS = 5 * 60_000;
/**
 * A preview's source names one commit, which never moves: its own refs check can be rare.
 * A push to the pull request reaches the preview through the controller, not this poll.
 */
const PINNED_SOURCE_POLL = '1h';
/** `<name>-pr-<number>` is a namespace: a DNS label of at most 63 characters. */
const MAX_NAME = 63 - '-pr-'.length - 6;

export interface PreviewSettings {
  name: string;
  uid?: string;
  repoURL: string;
  baseBranch: string;
  path: string;
  provider: GitProviderRef;
  ttlMs: number;
  maxPreviews: number;
  pollMs: number;
  /** the destination cluster's name; undefined: the daemon's default */
  cluster?: string;
  template: PreviewTemplate;
}

/** What a preview is made from: one open pull request at its head commit. */
export interface OpenPullRequest {
  number: number;
  headSha: string;
  headBranch?: string;
  title?: string;
  url?: string;
}

class PreviewFields extends Fields {
  override fail(at: string, message: string): never {
    return super.fail(at, message, 'PREVIEW_INVALID');
  }
}

export function previewSettings(set: PreviewSet): PreviewSettings {
  const f = new PreviewFields(`previewset ${set.metadata.name}`);
  const spec = set.spec;
  if (set.metadata.name.length > MAX_NAME)
    f.fail(
      'metadata.name',
      `must be at most ${MAX_NAME} characters: each preview's namespace is <name>-pr-<number>`,
    );
  if (!spec?.provider) f.fail('spec.provider', 'is required: the open pull requests are listed through it');
  const maxPreviews = spec.maxPreviews ?? DEFAULT_MAX_PREVIEWS;
  if (!Number.isInteger(maxPreviews) || maxPreviews < 1)
    f.fail('spec.maxPreviews', `must be a whole number of at least 1, got ${String(maxPreviews)}`);
  const pollMs = durationMs(f, spec.pollInterval, 'spec.pollInterval') ?? DEFAULT_PREVIEW_POLL_MS;
  if (pollMs <= 0) f.fail('spec.pollInterval', 'must be more than zero');
  return {
    name: set.metadata.name,
    ...(set.metadata.uid ? { uid: String(set.metadata.uid) } : {}),
    repoURL: f.required(spec.repoURL, 'spec.repoURL'),
    baseBranch: f.required(spec.baseBranch, 'spec.baseBranch'),
    path: spec.path ?? '',
    provider: spec.provider,
    ttlMs: durationMs(f, spec.ttl, 'spec.ttl') ?? DEFAULT_TTL_MS,
    maxPreviews,
    pollMs,
    ...(spec.template?.destination?.cluster ? { cluster: spec.template.destination.cluster } : {}),
    template: spec.template ?? {},
  };
}

/** The name of a pull request's preview: its Application and its namespace. */
export function previewName(set: string, number: number): string {
  return `${set}-pr-${number}`;
}

/**
 * The preview's Application: the pull request's head commit (a commit SHA, so the preview
 * runs exactly what the pull request shows, whether its branch is in this repository or a
 * fork's), in its own namespace, deleting what it deployed when it is deleted, and owned by
 * the PreviewSet so that deleting the set deletes it.
 */
export function previewApplication(settings: PreviewSettings, pr: OpenPullRequest): Application {
  const name = previewName(settings.name, pr.number);
  const { template } = settings;
  const syncOptions = [
    ...(template.syncPolicy?.syncOptions ?? []).filter((o) => !o.startsWith('CreateNamespace=')),
    'CreateNamespace=true',
  ];
  return {
    apiVersion: CAPSTAN_API_VERSION,
    kind: 'Application',
    metadata: {
      name,
      labels: { [PREVIEW_SET_LABEL]: settings.name, [PULL_REQUEST_LABEL]: String(pr.number) },
      finalizers: [RESOURCES_FINALIZER],
      ...(settings.uid
        ? {
            ownerReferences: [
              {
                apiVersion: CAPSTAN_API_VERSION,
                kind: 'PreviewSet',
                name: settings.name,
                uid: settings.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      ...(template.project ? { project: template.project } : {}),
      source: {
        repoURL: settings.repoURL,
        targetRevision: pr.headSha,
        ...(settings.path ? { path: settings.path } : {}),
      },
      destination: { ...(settings.cluster ? { cluster: settings.cluster } : {}), namespace: name },
      syncPolicy: { ...template.syncPolicy, syncOptions },
      ...(template.healthTimeout ? { healthTimeout: template.healthTimeout } : {}),
      pollInterval: PINNED_SOURCE_POLL,
      // the preview's head gets a commit status, as every synced commit does
      provider: settings.provider,
    },
  };
}
