/**
 * What kube-apiserver does to a Service beyond defaults and validation: cluster IPs and node
 * ports handed out from their ranges (pkg/registry/core/service/storage/alloc.go), after the
 * update strategy (service-strategy.ts) has patched allocated values back in and wiped the
 * fields a type change made obsolete.
 *
 * Every allocation is a small transaction: ports and addresses taken for a write are given
 * back if the write fails or is a dry run (`revert`), and the ones an update stops using are
 * released only once it is stored (`commit`).
 */
import { isJsonObject, type JsonObject } from '../../../core/index.js';
import { ApiError, invalid } from '../errors.js';
import { ClusterIpAllocator } from './cluster-ip.js';
import { NodePortAllocator } from './node-ports.js';
import {
  dropTypeDependentFields,
  healthCheckPortOf,
  needsClusterIp,
  needsHealthCheck,
  needsNodePort,
  nodePortOf,
  nodePortsOf,
  patchAllocatedValues,
  portsOf,
  shouldAllocateNodePorts,
  specOf,
  type Spec,
} from './service-strategy.js';

/** The outcome of allocating for one write: commit once stored, revert otherwise. */
export interface Allocation {
  commit(): void;
  revert(): void;
}

class Transaction implements Allocation {
  readonly ips: string[] = [];
  readonly ports: number[] = [];
  readonly releaseIps: string[] = [];
  readonly releasePorts: number[] = [];

  constructor(private readonly owner: ServiceAllocator) {}

  commit(): void {
    for (const ip of this.releaseIps) this.owner.ips.release(ip);
    for (const p of this.releasePorts) this.owner.nodePorts.release(p);
  }

  revert(): void {
    for (const ip of this.ips) this.owner.ips.release(ip);
    for (const p of this.ports) this.owner.nodePorts.release(p);
  }
}

export class ServiceAllocator {
  constructor(
    readonly ips: ClusterIpAllocator = new ClusterIpAllocator(),
    readonly nodePorts: NodePortAllocator = new NodePortAllocator(),
  ) {}

  /** Marks what stored Services hold as taken (at start). */
  restore(services: Iterable<JsonObject>): void {
    for (const svc of services) {
      const spec = (isJsonObject(svc.spec) ? svc.spec : {}) as Spec;
      const ip = spec.clusterIP;
      if (typeof ip === 'string' && ip !== '' && ip !== 'None') this.ips.reserve(ip);
      // a port shared by a TCP and a UDP port of one Service is counted once
      for (const p of nodePortsOf(spec)) this.nodePorts.allocate(p);
      if (healthCheckPortOf(spec)) this.nodePorts.allocate(healthCheckPortOf(spec));
    }
  }

  /** Gives back what a deleted Service held. */
  released(svc: JsonObject): void {
    const spec = (isJsonObject(svc.spec) ? svc.spec : {}) as Spec;
    const ip = spec.clusterIP;
    if (typeof ip === 'string' && ip !== '' && ip !== 'None') this.ips.release(ip);
    for (const p of nodePortsOf(spec)) this.nodePorts.release(p);
    if (healthCheckPortOf(spec)) this.nodePorts.release(healthCheckPortOf(spec));
  }

  /** Allocates a new Service's cluster IP and node ports (after defaults, before validation). */
  allocateCreate(svc: JsonObject): Allocation {
    const txn = new Transaction(this);
    try {
      this.initClusterIp(svc, txn);
      if (needsNodePort(specOf(svc))) this.initNodePorts(svc, txn);
      if (needsHealthCheck(specOf(svc))) this.initHealthCheckPort(svc, txn);
    } catch (e) {
      txn.revert();
      throw e;
    }
    return txn;
  }

  /**
   * Before defaults on an update of the spec: wipes what the type change made obsolete, and
   * puts back the allocated values the client did not send.
   */
  prepareUpdate(svc: JsonObject, old: JsonObject): void {
    dropTypeDependentFields(svc, old);
    patchAllocatedValues(svc, old);
  }

  /** Allocates and releases for an update (after defaults, before validation). */
  allocateUpdate(svc: JsonObject, old: JsonObject): Allocation {
    const spec = specOf(svc);
    const oldSpec = (isJsonObject(old.spec) ? old.spec : {}) as Spec;
    const txn = new Transaction(this);
    try {
      if (!needsClusterIp(oldSpec) && needsClusterIp(spec)) this.initClusterIp(svc, txn);
      const oldIp = oldSpec.clusterIP;
      if (needsClusterIp(oldSpec) && !needsClusterIp(spec) && typeof oldIp === 'string' && oldIp !== 'None')
        txn.releaseIps.push(oldIp);
      if (needsNodePort(oldSpec) && !needsNodePort(spec)) txn.releasePorts.push(...nodePortsOf(oldSpec));
      if (needsNodePort(spec)) this.updateNodePorts(svc, oldSpec, txn);
      this.updateHealthCheckPort(svc, oldSpec, txn);
    } catch (e) {
      txn.revert();
      throw e;
    }
    return txn;
  }

  private initClusterIp(svc: JsonObject, txn: Transaction): void {
    const spec = specOf(svc);
    if (spec.type === 'ExternalName') return;
    const requested = spec.clusterIP;
    if (requested === 'None') {
      spec.clusterIPs = ['None'];
      return;
    }
    if (typeof requested === 'string' && requested !== '') {
      if (!this.ips.inRange(requested) || !this.ips.reserve(requested)) {
        throw invalid('', 'Service', nameOf(svc), [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: "${requested}": provided IP is already allocated or not in the valid range (10.96.0.0/12)`,
            field: 'spec.clusterIPs',
          },
        ]);
      }
      spec.clusterIPs = [requested];
      txn.ips.push(requested);
      return;
    }
    const ip = this.ips.allocate();
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    txn.ips.push(ip);
  }

  /**
   * alloc.go initNodePorts: ports that share a port number (TCP 53 and UDP 53) share one node
   * port, the one the user asked for on any of them, else a new one.
   */
  private initNodePorts(svc: JsonObject, txn: Transaction): void {
    const spec = specOf(svc);
    const ports = portsOf(spec);
    const byServicePort = new Map<number, number>();
    ports.forEach((p, i) => {
      const requested = nodePortOf(p);
      if (requested === 0 && !shouldAllocateNodePorts(spec)) return; // requests are still honoured
      const port = Number(p.port);
      const shared = byServicePort.get(port);
      if (shared === undefined) {
        const wanted = ports.find((q) => Number(q.port) === port && nodePortOf(q) !== 0);
        const np = wanted ? this.take(svc, nodePortOf(wanted), i, txn) : this.next(txn);
        p.nodePort = np;
        byServicePort.set(port, np);
      } else if (requested !== shared) {
        if (requested === 0) p.nodePort = shared;
        else this.take(svc, requested, i, txn);
      }
    });
  }

  /** alloc.go updateNodePorts: new requests are reserved, missing ones allocated, unused ones released. */
  private updateNodePorts(svc: JsonObject, oldSpec: Spec, txn: Transaction): void {
    const spec = specOf(svc);
    const before = new Set(nodePortsOf(oldSpec));
    const taken = new Set<number>();
    portsOf(spec).forEach((p, i) => {
      const np = nodePortOf(p);
      if (np === 0 && !shouldAllocateNodePorts(spec)) return;
      if (np === 0) p.nodePort = this.next(txn);
      else if (!before.has(np) && !taken.has(np)) {
        this.take(svc, np, i, txn);
        taken.add(np);
      }
    });
    const after = new Set(nodePortsOf(spec));
    for (const np of before) if (!after.has(np)) txn.releasePorts.push(np);
  }

  /** alloc.go allocHealthCheckNodePort: the one asked for, or any. */
  private initHealthCheckPort(svc: JsonObject, txn: Transaction): void {
    const spec = specOf(svc);
    const requested = typeof spec.healthCheckNodePort === 'number' ? spec.healthCheckNodePort : 0;
    if (requested === 0) {
      spec.healthCheckNodePort = this.next(txn);
      return;
    }
    const problem = this.nodePorts.allocate(requested);
    if (problem)
      throw new ApiError(
        500,
        'InternalError',
        `Internal error occurred: failed to allocate requested HealthCheck NodePort ${requested}: ${problem}`,
      );
    txn.ports.push(requested);
  }

  /** alloc.go updateHealthCheckNodePort, and a changed port moves like a node port does. */
  private updateHealthCheckPort(svc: JsonObject, oldSpec: Spec, txn: Transaction): void {
    const spec = specOf(svc);
    const before = healthCheckPortOf(oldSpec);
    if (!needsHealthCheck(spec)) {
      if (before) txn.releasePorts.push(before);
      return;
    }
    if (before && spec.healthCheckNodePort === before) return;
    this.initHealthCheckPort(svc, txn);
    if (before) txn.releasePorts.push(before);
  }

  private take(svc: JsonObject, port: number, index: number, txn: Transaction): number {
    const problem = this.nodePorts.allocate(port);
    if (problem) {
      throw invalid('', 'Service', nameOf(svc), [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${port}: ${problem}`,
          field: `spec.ports[${index}].nodePort`,
        },
      ]);
    }
    txn.ports.push(port);
    return port;
  }

  private next(txn: Transaction): number {
    const port = this.nodePorts.allocateNext();
    if (port === undefined)
      throw new ApiError(
        500,
        'InternalError',
        'Internal error occurred: failed to allocate a nodePort: range is full',
      );
    txn.ports.push(port);
    return port;
  }
}

function nameOf(svc: JsonObject): string {
  return String((svc.metadata as { name?: string } | undefined)?.name ?? '');
}
