/**
 * What an AppProject lets its applications deploy, checked before anything is applied:
 * the source repository, the destination cluster and namespaces, and the kinds. Pure: the
 * caller says which kinds are cluster-scoped and which namespace each object lands in.
 * Rules as in Argo CD's AppProject (sourceRepos, destinations, cluster/namespace resource
 * white- and blacklists), with `cluster` where Argo CD has `server`/`name`.
 */
import {
  CAPSTAN_API_VERSION,
  DEFAULT_PROJECT,
  parseApiVersion,
  type AppProject,
  type Application,
  type GroupKind,
  type KubeObject,
  type ProjectDestination,
} from '../core/index.js';
import { describeObject } from '../sync/index.js';
import { globMatches, globMatchesWithNegation, isDenyPattern, permittedByGlobs } from './project-globs.js';
import { normalizeRepoUrl } from './webhooks/repo-url.js';

export interface ProjectViolation {
  /** the object at fault: `ClusterRole reader`, `Deployment shop/web`, `Application shop` */
  object: string;
  /** the project field that refuses it: `sourceRepos`, `destinations`, `clusterResourceWhitelist`, … */
  rule: string;
  /** `<object>: <what> is not permitted in project <name> (<rule>)` */
  message: string;
}

export interface ProjectCheckOptions {
  /** whether a kind is cluster-scoped on the destination cluster (group '' for the core group) */
  isClusterScoped(group: string, kind: string): boolean;
  /** the destination cluster's name */
  cluster: string;
  /** the namespace a namespaced object lands in (its own, or the destination's) */
  namespaceOf(obj: KubeObject): string | undefined;
}

/** The namespace of an application that names none (core/application.ts). */
const DEFAULT_NAMESPACE = 'default';

/** Argo CD's `default` project: every source, destination and kind. */
export function defaultProject(): AppProject {
  return {
    apiVersion: CAPSTAN_API_VERSION,
    kind: 'AppProject',
    metadata: { name: DEFAULT_PROJECT },
    spec: {
      description: 'Allows every source, destination and kind',
      sourceRepos: ['*'],
      destinations: [{ cluster: '*', namespace: '*' }],
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    },
  };
}

/**
 * Every rule of `project` that the application or one of its rendered objects breaks;
 * empty when all is permitted. `undefined` checks against the default project: an
 * application naming a project that does not exist is the caller's error to report.
 */
export function checkProject(
  project: AppProject | undefined,
  app: Application,
  objects: readonly KubeObject[],
  options: ProjectCheckOptions,
): ProjectViolation[] {
  const proj = project ?? defaultProject();
  const spec = proj.spec;
  const out: ProjectViolation[] = [];
  const refuse = (object: string, rule: string, what: string) =>
    out.push({ object, rule, message: `${object}: ${what} in project ${proj.metadata.name} (${rule})` });

  const self = `Application ${app.metadata.name}`;
  // normalized, so credentials in the URL never reach the message
  const repo = normalizeRepoUrl(app.spec.source.repoURL);
  const repoPatterns = (spec.sourceRepos ?? []).map((p) =>
    isDenyPattern(p) ? `!${normalizeRepoUrl(p.slice(1))}` : normalizeRepoUrl(p),
  );
  if (!permittedByGlobs(repoPatterns, repo))
    refuse(self, 'sourceRepos', `source repository ${repo} is not permitted`);

  const destinations = spec.destinations ?? [];
  const appNamespace = app.spec.destination?.namespace ?? DEFAULT_NAMESPACE;
  const appDestinationOk = destinationPermitted(destinations, options.cluster, appNamespace);
  if (!appDestinationOk)
    refuse(self, 'destinations', `${destinationText(options.cluster, appNamespace)} is not permitted`);

  for (const obj of objects) {
    const { group } = parseApiVersion(obj.apiVersion);
    const kind = group ? `${group}/${obj.kind}` : obj.kind;
    if (options.isClusterScoped(group, obj.kind)) {
      const what = describeObject({ kind: obj.kind, metadata: { name: obj.metadata.name } });
      if (!inList(spec.clusterResourceWhitelist, group, obj.kind))
        refuse(what, 'clusterResourceWhitelist', `cluster-scoped kind ${kind} is not permitted`);
      else if (inList(spec.clusterResourceBlacklist, group, obj.kind))
        refuse(what, 'clusterResourceBlacklist', `cluster-scoped kind ${kind} is denied`);
      continue;
    }
    const namespace = options.namespaceOf(obj) ?? appNamespace;
    const what = describeObject({ kind: obj.kind, metadata: { name: obj.metadata.name, namespace } });
    // the application's own namespace, when refused, is reported once for the application
    const reported = !appDestinationOk && namespace === appNamespace;
    if (!reported && !destinationPermitted(destinations, options.cluster, namespace))
      refuse(what, 'destinations', `${destinationText(options.cluster, namespace)} is not permitted`);
    const whitelist = spec.namespaceResourceWhitelist ?? [];
    // an empty whitelist is no whitelist, as in Argo CD
    if (whitelist.length > 0 && !inList(whitelist, group, obj.kind))
      refuse(what, 'namespaceResourceWhitelist', `kind ${kind} is not permitted`);
    else if (inList(spec.namespaceResourceBlacklist, group, obj.kind))
      refuse(what, 'namespaceResourceBlacklist', `kind ${kind} is denied`);
  }
  return out;
}

const destinationText = (cluster: string, namespace: string) =>
  `destination cluster ${cluster}, namespace ${namespace}`;

/**
 * Argo CD's IsDestinationPermitted: permitted when some entry matches both the cluster and
 * the namespace; refused at once by an entry whose `!` pattern excludes one while the other
 * matches (`{cluster: '*', namespace: '!kube-system'}` refuses kube-system on every cluster).
 * An entry that leaves out `cluster` or `namespace` matches any.
 */
function destinationPermitted(
  entries: readonly ProjectDestination[],
  cluster: string,
  namespace: string,
): boolean {
  let matched = false;
  for (const entry of entries) {
    const clusterPattern = entry.cluster ?? '*';
    const namespacePattern = entry.namespace ?? '*';
    const clusterOk = globMatchesWithNegation(clusterPattern, cluster);
    const namespaceOk = globMatchesWithNegation(namespacePattern, namespace);
    if (clusterOk && namespaceOk) matched = true;
    else if (!clusterOk && namespaceOk && isDenyPattern(clusterPattern)) return false;
    else if (!namespaceOk && clusterOk && isDenyPattern(namespacePattern)) return false;
  }
  return matched;
}

/** Whether a group and kind is listed; either side of an entry may be a glob (`*`). */
function inList(list: readonly GroupKind[] | undefined, group: string, kind: string): boolean {
  return (list ?? []).some((gk) => globMatches(gk.group, group) && globMatches(gk.kind, kind));
}
