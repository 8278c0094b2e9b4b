/**
 * The check before a sync's first write: every object it would write, on the server, dry;
 * so that nothing is applied when anything would be refused.
 *
 * A dry-run apply into a namespace that does not exist yet answers NotFound before it
 * validates anything (kube-apiserver and the embedded server alike), so objects of a
 * Namespace this same sync creates go through `Cluster.validateNew`, which checks them as
 * new objects without that question. Objects of a kind whose CustomResourceDefinition this
 * sync creates or changes cannot be checked against a definition the server does not serve
 * yet: those alone are left to the apply.
 */
import type { KubeObject } from '../core/index.js';
import { ClusterError, type Cluster } from '../cluster/types.js';
import { clusterRef, mapLimited } from './gate.js';
import { aboutObject, describeObject, messageOf } from './messages.js';
import { describeRef, type PlanStep, type SyncPlan } from './plan/index.js';
import { isTransientReadError, isTransientWriteError } from './transient.js';

/**
 * The largest object etcd stores with its default `--max-request-bytes` (1.5 MiB). No dry
 * run reaches etcd, so a larger object passes one and fails only when written ("etcdserver:
 * request is too large"). Measured as JSON, which is never smaller than what is stored.
 */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

export interface DryRunOptions {
  /** the objects about to be pruned are dry-run deleted too */
  prune: boolean;
  /** requests in flight at once */
  concurrency: number;
  /** Namespaces the sync creates before applying anything (CreateNamespace), though not yet */
  namespacesCreated?: readonly string[];
}

/** One object the server would refuse: the message names it; `transient` when the cluster, not the object, is why. */
export interface DryRunProblem {
  message: string;
  transient: boolean;
}

/** What the server would refuse, one problem per object naming it and the cause; empty when all pass. */
export async function dryRunSync(
  cluster: Cluster,
  plan: SyncPlan,
  steps: readonly PlanStep[],
  options: DryRunOptions,
): Promise<DryRunProblem[]> {
  const missingNamespaces = await namespacesToCreate(cluster, plan, steps);
  for (const ns of options.namespacesCreated ?? []) missingNamespaces.add(ns);
  const pendingKinds = kindsDefinedBy(steps.map((s) => plan.prepared[s.index]));
  const problems: DryRunProblem[] = [];
  const refuse = (obj: KubeObject, e: unknown) => {
    const what = describeObject(obj);
    const why = e instanceof ClusterError ? e.message : messageOf(e);
    problems.push({ message: aboutObject(what, why), transient: isTransientWriteError(e) });
  };
  await mapLimited(steps, options.concurrency, async (step) => {
    let obj = plan.prepared[step.index];
    if (pendingKinds.has(groupKind(obj.apiVersion, obj.kind))) return;
    const bytes = Buffer.byteLength(JSON.stringify(obj));
    if (bytes > MAX_OBJECT_BYTES)
      return refuse(
        obj,
        `the object is ${bytes} bytes, more than the ${MAX_OBJECT_BYTES} bytes (1.5 MiB) a cluster stores in one object`,
      );
    // a generateName hook is named when it runs: check it under a name of that shape
    const generated = !obj.metadata.name && obj.metadata.generateName;
    if (generated) obj = { ...obj, metadata: { ...obj.metadata, name: `${generated}00000` } };
    try {
      if (generated || (obj.metadata.namespace && missingNamespaces.has(obj.metadata.namespace)))
        await cluster.validateNew(obj);
      else await cluster.apply(obj, { dryRun: true });
    } catch (e) {
      refuse(obj, e);
    }
  });
  if (options.prune) {
    await mapLimited(plan.prune, options.concurrency, async (step) => {
      try {
        await cluster.delete(step.ref, { dryRun: true });
      } catch (e) {
        problems.push({
          message: `pruning ${aboutObject(describeRef(step.ref), messageOf(e))}`,
          transient: isTransientReadError(e),
        });
      }
    });
  }
  return problems.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

/** Namespaces this sync creates that the cluster does not have yet. */
async function namespacesToCreate(
  cluster: Cluster,
  plan: SyncPlan,
  steps: readonly PlanStep[],
): Promise<Set<string>> {
  const created = steps
    .filter((s) => s.ref.kind === 'Namespace' && s.ref.apiVersion === 'v1' && s.state === 'new')
    .map((s) => plan.prepared[s.index]);
  const missing = new Set<string>();
  await Promise.all(
    created.map(async (ns) => {
      if (!(await cluster.get(clusterRef(ns)))) missing.add(ns.metadata.name!);
    }),
  );
  return missing;
}

/**
 * `group/kind` of what the CustomResourceDefinitions among `objects` define. Their objects
 * are not dry-run: a new definition is not served yet, and a changed one would check them
 * against the schema it replaces.
 */
function kindsDefinedBy(objects: readonly KubeObject[]): Set<string> {
  const kinds = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = o.spec as { group?: unknown; names?: { kind?: unknown } } | undefined;
    kinds.add(`${String(spec?.group ?? '')}/${String(spec?.names?.kind ?? '')}`);
  }
  return kinds;
}

function groupKind(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  return `${slash < 0 ? '' : apiVersion.slice(0, slash)}/${kind}`;
}
