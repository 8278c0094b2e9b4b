/** A sync's plan against what the cluster holds of the application now. */
import type { KubeObject } from '../core/index.js';
import { discover, kindsOf, listLive } from './live.js';
import type { SyncOptions } from './options.js';
import { planSync, type SyncPlan } from './plan/index.js';

/** The plan for `desired` against what the cluster holds of `app`, and that live state by identity. */
export async function planAgainstLive(
  app: string,
  desired: KubeObject[],
  options: Pick<SyncOptions, 'cluster' | 'previousKinds' | 'defaultNamespace'>,
): Promise<{ plan: SyncPlan; liveByKey: Map<string, KubeObject> }> {
  const { cluster } = options;
  const allKinds = kindsOf([...kindsOf(desired), ...(options.previousKinds ?? [])]);
  const served = await discover(cluster, allKinds);
  const live = await listLive(cluster, app, allKinds);
  const clusterScoped = new Set(
    [...served.values()]
      .filter((r) => !r.namespaced)
      .map((r) => `${r.apiVersion.split('/').slice(0, -1).join('/')}/${r.kind}`),
  );
  const plan = planSync({
    app,
    desired,
    live,
    defaultNamespace: options.defaultNamespace,
    isClusterScoped: (group, kind) => clusterScoped.has(`${group}/${kind}`),
  });
  const liveByKey = new Map<string, KubeObject>();
  for (const o of live) liveByKey.set(identity(o), o);
  return { plan, liveByKey };
}

/** `group/kind/namespace/name`: the planner's identity of an object. */
function identity(o: KubeObject): string {
  const slash = o.apiVersion.indexOf('/');
  return `${slash < 0 ? '' : o.apiVersion.slice(0, slash)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}
