/**
 * What the cluster holds of an application: every object carrying its label, for each kind
 * it has (or had) objects of. Listing by kind and label keeps this one request per kind,
 * whatever the number of objects.
 */
import type { KubeObject } from '../core/index.js';
import type { Cluster, ResourceInfo } from '../cluster/types.js';
import { APP_LABEL } from './annotations.js';

export interface KindRef {
  apiVersion: string;
  kind: string;
}

/** The distinct kinds of `objects` (by apiVersion and kind). */
export function kindsOf(objects: readonly { apiVersion: string; kind: string }[]): KindRef[] {
  const seen = new Map<string, KindRef>();
  for (const o of objects) seen.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  return [...seen.values()];
}

/** The resource info of each kind the server serves (undefined for the others). */
export async function discover(
  cluster: Cluster,
  kinds: readonly KindRef[],
): Promise<Map<string, ResourceInfo>> {
  const out = new Map<string, ResourceInfo>();
  await Promise.all(
    kinds.map(async (k) => {
      const info = await cluster.resourceFor(k.apiVersion, k.kind);
      if (info) out.set(`${k.apiVersion}/${k.kind}`, info);
    }),
  );
  return out;
}

/** Every live object of `app` among `kinds` (kinds the server does not serve have none). */
export async function listLive(
  cluster: Cluster,
  app: string,
  kinds: readonly KindRef[],
): Promise<KubeObject[]> {
  const lists = await Promise.all(
    kinds.map((k) => cluster.list(k.apiVersion, k.kind, { labelSelector: `${APP_LABEL}=${app}` })),
  );
  return lists.flat();
}
