/**
 * Endpoints from ready pods, and the Service proxy that uses them: for every Service
 * with a selector the Endpoints object lists its pods' addresses (ready ones under
 * `addresses`), and each TCP Service port gets a listener on the host that spreads
 * new connections over the ready pods only. The listener's host port is published on
 * the Endpoints as the annotation `capstan.dev/proxy-ports` (`http=41234,metrics=41235`),
 * so that the user's own Service object is never written to. A port with a nodePort
 * listens on it; a port that cannot be opened (another process has it) is reported as a
 * Warning Event on the Service and tried again later, while the rest carries on. A
 * LoadBalancer whose ports all listen gets the host's address as its ingress
 * (endpoints/load-balancer.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import type { JsonObject } from '../../core/index.js';
import type { EventRecorder, ReconcileResult } from '../../runtime/index.js';
import type { Registry } from '../api/registry/registry.js';
import { ServicePortProxy } from '../proxy/index.js';
import { endpointSubsets, readyBackends, selectsPods, type PortResolver } from './endpoints/compute.js';
import { ingressAddress, ingressList, loadBalancerStatus } from './endpoints/load-balancer.js';
import { keyOf, splitKey, type ControllerSpec } from './controller-host.js';
import { writeStatus } from './controller-util.js';

const ENDPOINTS = { group: '', version: 'v1', resource: 'endpoints' };
const SERVICES = { group: '', version: 'v1', resource: 'services' };
export const PROXY_PORTS_ANNOTATION = 'capstan.dev/proxy-ports';

export interface EndpointsControllerOptions {
  /** the address the Service listeners bind (default 127.0.0.1); LoadBalancers report it as their ingress */
  host?: string;
  /** Events on Services: ports that cannot be opened, load balancer changes */
  events?: EventRecorder;
  /** how soon a port that could not be opened is tried again (default 10 s) */
  retryMs?: number;
}

interface Listener {
  proxy: ServicePortProxy;
  /** the host port it listens on */
  port: number;
  /** the port it was asked for (the nodePort, or 0 for any) */
  wanted: number;
}

/** Why a listener could not start, in words a user can act on. */
function listenFailure(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'EADDRINUSE') return 'another process is listening on it (EADDRINUSE)';
  if (code === 'EACCES') return 'permission denied (EACCES)';
  return (e as Error).message ?? String(e);
}

export class EndpointsController {
  /** `namespace/service/portName` → its proxy */
  private readonly proxies = new Map<string, Listener>();
  private readonly host: string;
  private readonly retryMs: number;

  constructor(
    private readonly registry: Registry,
    private readonly resolvePort: PortResolver,
    private readonly options: EndpointsControllerOptions = {},
  ) {
    this.host = options.host ?? '127.0.0.1';
    this.retryMs = options.retryMs ?? 10_000;
  }

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
      if (svc) await this.writeLoadBalancer(svc, false, true);
      return;
    }
    const pods = this.registry.store
      .list({ group: '', resource: 'pods', namespace })
      .items.map((o) => o.value);
    const subsets = endpointSubsets(svc, pods, this.resolvePort);
    const { published, listening, failed } = await this.updateProxies(namespace, name, svc, subsets);
    await this.writeEndpoints(namespace, name, subsets, published);
    await this.writeLoadBalancer(svc, listening > 0 && failed === 0, false);
    // level-triggered: a port another process holds is tried again until it is free
    return failed > 0 ? { requeueAfter: this.retryMs, jitter: 0.2 } : undefined;
  }

  private async updateProxies(
    namespace: string,
    name: string,
    svc: JsonObject,
    subsets: JsonObject[],
  ): Promise<{ published: string; listening: number; failed: number }> {
    const published: string[] = [];
    const wanted = new Set<string>();
    let failed = 0;
    for (const sp of ((svc.spec as JsonObject).ports ?? []) as JsonObject[]) {
      if ((sp.protocol ?? 'TCP') !== 'TCP') continue;
      const portName = typeof sp.name === 'string' && sp.name !== '' ? sp.name : undefined;
      const id = `${namespace}/${name}/${portName ?? ''}`;
      wanted.add(id);
      const entry = await this.listener(id, typeof sp.nodePort === 'number' ? sp.nodePort : 0, svc, sp);
      if (!entry) {
        failed++;
        continue;
      }
      entry.proxy.setBackends(readyBackends(subsets, portName));
      published.push(`${portName ?? String(sp.port)}=${entry.port}`);
    }
    for (const id of [...this.proxies.keys()]) {
      if (id.startsWith(`${namespace}/${name}/`) && !wanted.has(id)) await this.dropProxies(id);
    }
    return { published: published.join(','), listening: published.length, failed };
  }

  /** The listener of one Service port, (re)started on the port it should use; undefined if it cannot listen. */
  private async listener(
    id: string,
    port: number,
    svc: JsonObject,
    sp: JsonObject,
  ): Promise<Listener | undefined> {
    const current = this.proxies.get(id);
    if (current && current.wanted === port) return current;
    if (current) {
      // the nodePort changed, or came or went: move to the new port
      this.proxies.delete(id);
      await current.proxy.close();
    }
    const proxy = new ServicePortProxy({ port, host: this.host });
    try {
      const entry = { proxy, port: await proxy.start(), wanted: port };
      this.proxies.set(id, entry);
      return entry;
    } catch (e) {
      await proxy.close();
      const label = typeof sp.name === 'string' && sp.name !== '' ? `"${sp.name}"` : String(sp.port);
      this.options.events?.event(
        { apiVersion: 'v1', kind: 'Service', metadata: svc.metadata as JsonObject },
        'Warning',
        'PortUnavailable',
        `can't listen on ${this.host}:${port} for Service port ${label}: ${listenFailure(e)}; will retry`,
      );
      return undefined;
    }
  }

  private async dropProxies(prefix: string): Promise<void> {
    for (const [id, entry] of [...this.proxies]) {
      if (id === prefix || id.startsWith(prefix)) {
        this.proxies.delete(id);
        await entry.proxy.close();
      }
    }
  }

  /**
   * Sets or clears a LoadBalancer's ingress. `onlyOurs`: for a Service this controller does
   * not serve (no selector), an address is cleared only if it is the one we wrote.
   */
  private async writeLoadBalancer(svc: JsonObject, listening: boolean, onlyOurs: boolean): Promise<void> {
    const desired = loadBalancerStatus(svc, listening, this.host);
    if (!desired) return;
    const status = (svc.status ?? {}) as JsonObject;
    const current = (status.loadBalancer ?? {}) as JsonObject;
    if (isDeepStrictEqual(current, desired)) return;
    const ours = ((current.ingress ?? []) as JsonObject[]).every((i) => i.ip === ingressAddress(this.host));
    if (onlyOurs && !ours) return;
    const meta = svc.metadata as JsonObject;
    await writeStatus(
      this.registry,
      SERVICES,
      String(meta.namespace),
      String(meta.name),
      { ...status, loadBalancer: desired },
      'service-lb-controller',
    );
    const subject = { apiVersion: 'v1', kind: 'Service', metadata: meta };
    if (desired.ingress)
      this.options.events?.event(
        subject,
        'Normal',
        'UpdatedLoadBalancer',
        `Updated LoadBalancer with new IPs: ${ingressList(current)} -> ${ingressList(desired)}`,
      );
    else
      this.options.events?.event(
        subject,
        'Warning',
        'UnAvailableLoadBalancer',
        `The LoadBalancer has no address: not every port of the Service listens on ${this.host}`,
      );
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
    const publishedNow = (meta.annotations as Record<string, string> | undefined)?.[PROXY_PORTS_ANNOTATION];
    if (isDeepStrictEqual(existing.subsets ?? [], subsets) && publishedNow === (ports || undefined)) return;
    const next = structuredClone(existing);
    next.subsets = subsets;
    const nm = next.metadata as JsonObject;
    const merged = { ...((nm.annotations as Record<string, string> | undefined) ?? {}) };
    if (ports) merged[PROXY_PORTS_ANNOTATION] = ports;
    else delete merged[PROXY_PORTS_ANNOTATION];
    if (Object.keys(merged).length > 0) nm.annotations = merged;
    else delete nm.annotations;
    await this.registry.update(ENDPOINTS, namespace, name, next, manager);
  }
}
