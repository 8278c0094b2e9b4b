/**
 * Waiting for the kinds a CustomResourceDefinition defines to be served. A CRD is served
 * only once Established, which the API server's controller sets a moment after the write:
 * its objects, applied next in the same wave, would otherwise meet "kind not served" with
 * the CRD (and whatever came before it) already live.
 */
import type { KubeObject } from '../core/index.js';
import type { Cluster } from '../cluster/types.js';

/** A kind a CustomResourceDefinition defines: `crd` is the definition's name. */
export interface DefinedKind {
  apiVersion: string;
  kind: string;
  crd: string;
}

/** The served versions' kinds of `crds` that the server does not serve yet (one look, no waiting). */
export async function kindsNotServed(cluster: Cluster, crds: readonly KubeObject[]): Promise<DefinedKind[]> {
  const kinds = crds.flatMap(kindsOf);
  const served = await Promise.all(kinds.map((k) => cluster.resourceFor(k.apiVersion, k.kind)));
  return kinds.filter((_, i) => !served[i]);
}

/** What a wait for `kind` says while it lasts. */
export const awaitingServed = ({ apiVersion, kind, crd }: DefinedKind) =>
  `CustomResourceDefinition ${crd}: waiting for kind ${kind} in ${apiVersion} to be served (Established)`;

/** What a wait for `kind` says when the health timeout ends it. */
export const notServedInTime = ({ apiVersion, kind, crd }: DefinedKind) =>
  `CustomResourceDefinition ${crd}: kind ${kind} in ${apiVersion} is still not served (not Established) after the health timeout`;

function kindsOf(crd: KubeObject): DefinedKind[] {
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
