/**
 * Endpoints from ready pods, and the Service proxy that uses them: for every Service
 * with a selector the Endpoints object lists its pods' addresses (ready ones under
 * `addresses`), and each TCP Service port gets a listener on the host that spreads
 * new connections over the ready pods only. The listener's host port is published on
 * the Endpoints as the annotation `capstan.dev/proxy-ports` (`http=41234,metrics=41235`),
 * so that the user's own Service object is never written to.
 */
import { isDeepStrictEqual } from 'node:util';
import type { JsonObject } from '../../core/index.js';
import type { ReconcileResult } from '../../runtime/index.js';
import type { Registry } from '../api/registry/registry.js';
import { ServicePortProxy } from '../proxy/index.js';
import { endpointSubsets, readyBackends, selectsPods, type PortResolver } from './endpoints/compute.js';
import { keyOf, splitKey, type ControllerSpec } from './controller-host.js';

const ENDPOINTS = { group: '', version: 'v1', resource: 'endpoints' };
export const PROXY_PORTS_ANNOTATION = 'capstan.dev/proxy-ports';

export class EndpointsController {
  /** `namespace/service/portName` → its proxy */
  private readonly proxies = new Map<string, { proxy: ServicePortProxy; port: number }>();

  constructor(
    private readonly registry: Registry,
    private readonly resolvePort: PortResolver,
  ) {}

  spec(): ControllerSpec {
    const servicesIn = (ns: unknown) =>
      this.registry.store
        .list({ group: '', resource: 'services', namespace: String(ns) })
        .items.map((o) => keyOf(o.value));
    return {
      name: 'endpoints-controller',
      primary: { group: '', resource: 'services' },
      watches: [
        { group: '', resource: 'services', keys: (o) => [keyOf(o)] },
        { group: '', resource: 'pods', keys: (o) => servicesIn((o.metadata as JsonObject).namespace) },
      ],
      reconcile: (key) => this.sync(key),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((p) => p.proxy.close()));
    this.proxies.clear();
  }

  private async sync(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const svc = this.registry.store.get({ group: '', resource: 'services', namespace, name })?.value;
    if (!svc || !selectsPods(svc)) {
      await this.dropProxies(`${namespace}/${name}/`);
      return;
    }
    const pods = this.registry.store
      .list({ group: '', resource: 'pods', namespace })
      .items.map((o) => o.value);
    const subsets = endpointSubsets(svc, pods, this.resolvePort);
    const ports = await this.updateProxies(namespace, name, svc, subsets);
    await this.writeEndpoints(namespace, name, subsets, ports);
  }

  private async updateProxies(
    namespace: string,
    name: string,
    svc: JsonObject,
    subsets: JsonObject[],
  ): Promise<string> {
    const published: string[] = [];
    const wanted = new Set<string>();
    for (const sp of ((svc.spec as JsonObject).ports ?? []) as JsonObject[]) {
      if ((sp.protocol ?? 'TCP') !== 'TCP') continue;
      const portName = typeof sp.name === 'string' && sp.name !== '' ? sp.name : undefined;
      const id = `${namespace}/${name}/${portName ?? ''}`;
      wanted.add(id);
      let entry = this.proxies.get(id);
      if (!entry) {
        const proxy = new ServicePortProxy({ port: typeof sp.nodePort === 'number' ? sp.nodePort : 0 });
        entry = { proxy, port: await proxy.start() };
        this.proxies.set(id, entry);
      }
      entry.proxy.setBackends(readyBackends(subsets, portName));
      published.push(`${portName ?? String(sp.port)}=${entry.port}`);
    }
    for (const id of [...this.proxies.keys()]) {
      if (id.startsWith(`${namespace}/${name}/`) && !wanted.has(id)) await this.dropProxies(id);
    }
    return published.join(',');
  }

  private async dropProxies(prefix: string): Promise<void> {
    for (const [id, entry] of [...this.proxies]) {
      if (id === prefix || id.startsWith(prefix)) {
        this.proxies.delete(id);
        await entry.proxy.close();
      }
    }
  }

  private async writeEndpoints(
    namespace: string,
    name: string,
    subsets: JsonObject[],
    ports: string,
  ): Promise<void> {
    const existing = this.registry.store.get({ group: '', resource: 'endpoints', namespace, name })?.value;
    const annotations = ports ? { [PROXY_PORTS_ANNOTATION]: ports } : undefined;
    const body: JsonObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
      subsets,
    };
    // a conflict or a race with another writer is retried with backoff by the work queue
    const manager = { fieldManager: 'endpoints-controller' };
    if (!existing) {
      await this.registry.create(ENDPOINTS, namespace, body, manager);
      return;
    }
    const meta = existing.metadata as JsonObject;
    if (
      isDeepStrictEqual(existing.subsets ?? [], subsets) &&
      isDeepStrictEqual(meta.annotations, annotations)
    )
      return;
    const next = structuredClone(existing);
    next.subsets = subsets;
    const nm = next.metadata as JsonObject;
    if (annotations) nm.annotations = { ...((nm.annotations as JsonObject) ?? {}), ...annotations };
    await this.registry.update(ENDPOINTS, namespace, name, next, manager);
  }
}
