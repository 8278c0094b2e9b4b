/**
 * Waiting for the kinds a CustomResourceDefinition defines to be served. A CRD is served
 * only once Established, which the API server's controller sets a moment after the write:
 * its objects, applied next in the same wave, would otherwise meet "kind not served" with
 * the CRD (and whatever came before it) already live.
 */
import { sleep, type KubeObject } from '../core/index.js';
import type { Cluster } from '../cluster/types.js';

export interface ServedWait {
  deadline: number;
  pollMs: number;
  now: () => number;
  signal?: AbortSignal;
}

/** Resolves when each served version of each CRD is served; a message naming the first that is not, at the deadline. */
export async function waitKindsServed(
  cluster: Cluster,
  crds: readonly KubeObject[],
  wait: ServedWait,
): Promise<string | undefined> {
  let pending = crds.flatMap(kindsOf);
  for (;;) {
    const served = await Promise.all(pending.map((k) => cluster.resourceFor(k.apiVersion, k.kind)));
    pending = pending.filter((_, i) => !served[i]);
    if (pending.length === 0) return undefined;
    if (wait.now() >= wait.deadline || wait.signal?.aborted) {
      const { apiVersion, kind, crd } = pending[0];
      return `CustomResourceDefinition ${crd}: kind ${kind} in ${apiVersion} is still not served (not Established) after the health timeout`;
    }
    await sleep(wait.pollMs);
  }
}

function kindsOf(crd: KubeObject): Array<{ apiVersion: string; kind: string; crd: string }> {
  const spec = (crd.spec ?? {}) as {
    group?: string;
    names?: { kind?: string };
    versions?: Array<{ name?: string; served?: boolean }>;
  };
  const kind = spec.names?.kind;
  if (!spec.group || !kind) return [];
  return (spec.versions ?? [])
    .filter((v) => v.served && v.name)
    .map((v) => ({ apiVersion: `${spec.group}/${v.name}`, kind, crd: crd.metadata.name ?? '' }));
}
