/**
 * Discovery for the kube driver: which resource serves an apiVersion/kind. One request per
 * group/version (`/api/v1`, `/apis/apps/v1`), cached; a kind not found asks again once,
 * because a CustomResourceDefinition applied earlier in the same sync adds kinds that the
 * cache has not seen.
 */
import { isJsonObject, parseApiVersion } from '../core/index.js';
import type { KubeTransport } from './kube-transport.js';
import { fromStatus } from './errors.js';
import type { ResourceInfo } from './types.js';

type Kinds = Map<string, ResourceInfo>;

export class Discovery {
  private readonly cache = new Map<string, Promise<Kinds>>();

  constructor(private readonly transport: KubeTransport) {}

  async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const cached = this.cache.get(apiVersion);
    const first = cached ?? this.load(apiVersion);
    const found = (await first).get(kind);
    if (found || !cached) return found;
    // someone may have looked again meanwhile; else look again now
    const latest = this.cache.get(apiVersion);
    const again = latest && latest !== cached ? latest : this.load(apiVersion);
    return (await again).get(kind);
  }

  /** Forgets what a group/version serves (after the server said a resource of it is gone). */
  forget(apiVersion: string): void {
    this.cache.delete(apiVersion);
  }

  private load(apiVersion: string): Promise<Kinds> {
    const loading = this.fetch(apiVersion);
    this.cache.set(apiVersion, loading);
    // failures are not remembered: the next call asks again
    loading.catch(() => {
      if (this.cache.get(apiVersion) === loading) this.cache.delete(apiVersion);
    });
    return loading;
  }

  private async fetch(apiVersion: string): Promise<Kinds> {
    const { group, version } = parseApiVersion(apiVersion);
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const what = `discovery of ${apiVersion}`;
    const res = await this.transport.send('GET', path, { what });
    const kinds: Kinds = new Map();
    // a group/version the server does not serve at all
    if (res.status === 404) return kinds;
    if (res.status < 200 || res.status >= 300) throw fromStatus(what, res.status, res.body);
    const resources = isJsonObject(res.body) && Array.isArray(res.body.resources) ? res.body.resources : [];
    for (const r of resources) {
      // subresources (`deployments/scale`) have their own entries: not kinds of objects
      if (!isJsonObject(r) || typeof r.name !== 'string' || r.name.includes('/')) continue;
      if (typeof r.kind !== 'string' || kinds.has(r.kind)) continue;
      kinds.set(r.kind, {
        apiVersion,
        kind: r.kind,
        resource: r.name,
        namespaced: r.namespaced === true,
        verbs: Array.isArray(r.verbs) ? r.verbs.filter((v): v is string => typeof v === 'string') : [],
      });
    }
    return kinds;
  }
}
