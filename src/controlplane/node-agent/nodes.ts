/**
 * The nodes of the embedded control plane: one NodeAgent per configured node, each with its
 * own runtime and its own directory (`<dataDir>/nodes/<name>/`). Requests about a pod (its
 * host ports, its logs) go to the agent of the node it is bound to (`spec.nodeName`).
 *
 * Nodes an earlier start registered but the configuration no longer lists are retired as
 * a cluster admin would (`kubectl delete node`, then the pod GC controller deletes the
 * pods bound to a node that is gone): otherwise the scheduler would keep binding pods to a
 * Node nothing runs.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { JsonObject, NodeConfig, NodeRuntime } from '../../core/index.js';
import type { Registry } from '../api/registry/registry.js';
import type { ControllerSpec } from '../controllers/controller-host.js';
import type { ImageCommand } from '../kubelet/index.js';
import { NodeAgent, thisMachineNodeName } from './agent.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const NODES = { group: '', version: 'v1', resource: 'nodes' };
const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

export interface NodeAgentsOptions {
  registry: Registry;
  /** the control plane's directory; node `n` keeps its pods' data in `<dataDir>/nodes/<n>/` */
  dataDir: string;
  nodes: readonly NodeConfig[];
  /** the runtime of nodes that do not name one */
  defaultRuntime: NodeRuntime;
  /** commands standing in for image entrypoints, on every process node */
  imageCommands?: readonly ImageCommand[];
  /** simulated nodes without `readyAfterMs`: pods turn Ready after this long (default 1000 ms) */
  simulatedReadyAfterMs?: number;
}

/** The one node of a control plane started without a node list: this machine's. */
export function defaultNode(runtime: NodeRuntime, simulatedMaxPods = 10_000): NodeConfig {
  return {
    name: thisMachineNodeName(),
    runtime,
    // a simulated node is for trials at scale: it takes far more pods than a kubelet's 110
    capacity: runtime === 'simulated' ? { pods: simulatedMaxPods } : {},
    labels: {},
    taints: [],
  };
}

/** Options of a pod log request (as the API server's `pods/log` passes them). */
export interface PodLogRequest {
  container: string;
  previous: boolean;
  tailLines?: number;
  follow: boolean;
}

/** The node agents of a control plane. */
export class NodeAgents {
  /** one per node, in configuration order; each has `nodeName` and `runtime` */
  readonly agents: readonly NodeAgent[];
  private readonly byName: Map<string, NodeAgent>;

  constructor(private readonly options: NodeAgentsOptions) {
    this.agents = options.nodes.map((n) => {
      const runtime = n.runtime ?? options.defaultRuntime;
      return new NodeAgent({
        registry: options.registry,
        dataDir: path.join(options.dataDir, 'nodes', n.name),
        nodeName: n.name,
        runtime,
        imageCommands: runtime === 'process' ? [...(options.imageCommands ?? [])] : undefined,
        simulatedReadyAfterMs: n.readyAfterMs ?? options.simulatedReadyAfterMs,
        cpus: n.capacity.cpu,
        memoryBytes: n.capacity.memoryBytes,
        maxPods: n.capacity.pods,
        labels: n.labels,
        taints: n.taints,
      });
    });
    this.byName = new Map(this.agents.map((a) => [a.nodeName, a]));
  }

  /** Registers every Node (and its Lease), then retires the Nodes no agent runs any more. */
  async start(): Promise<void> {
    for (const agent of this.agents) await agent.start();
    await this.retireUnlisted();
  }

  /** One pod controller per node. */
  controllers(): ControllerSpec[] {
    return this.agents.map((a) => a.podController());
  }

  /** The agent of the node `pod` is bound to, if this control plane runs that node. */
  agentFor(pod: JsonObject): NodeAgent | undefined {
    const node = (pod.spec as JsonObject | undefined)?.nodeName;
    return typeof node === 'string' ? this.byName.get(node) : undefined;
  }

  /** The host port a pod's container port was given (the port itself when not mapped). */
  hostPort(pod: JsonObject, containerPort: number): number {
    const uid = String((pod.metadata as JsonObject).uid);
    const mapped = this.agentFor(pod)?.runtime.portMap(uid);
    return mapped?.find((m) => m.containerPort === containerPort)?.hostPort ?? containerPort;
  }

  /** A container's log, from the agent of the pod's node. */
  logs(pod: JsonObject, o: PodLogRequest): Promise<string | Readable> {
    const meta = pod.metadata as JsonObject;
    const node = (pod.spec as JsonObject | undefined)?.nodeName;
    const agent = this.agentFor(pod);
    if (!agent) {
      // kube-apiserver's wording for a pod not yet scheduled
      const why =
        typeof node === 'string' && node !== ''
          ? `node "${node}" of pod ${String(meta.name)} is not run by this control plane`
          : `pod ${String(meta.name)} does not have a host assigned`;
      return Promise.reject(new Error(why));
    }
    const uid = String(meta.uid);
    const base = { previous: o.previous, tailLines: o.tailLines };
    return o.follow
      ? agent.runtime.logs(uid, o.container, { ...base, follow: true })
      : agent.runtime.logs(uid, o.container, base);
  }

  async close(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.close()));
  }

  /**
   * Deletes the Nodes a Capstan node agent registered (field manager `kubelet`) that are
   * not configured now, their Leases, and the pods bound to them (at once: nothing runs them).
   * Nodes created by hand (kubectl) are left alone.
   */
  private async retireUnlisted(): Promise<void> {
    const { registry } = this.options;
    for (const { value: node } of registry.store.list({ group: '', resource: 'nodes' }).items) {
      const meta = node.metadata as JsonObject;
      const name = String(meta.name);
      if (this.byName.has(name)) continue;
      const managers = ((meta.managedFields ?? []) as JsonObject[]).map((m) => m.manager);
      if (!managers.includes('kubelet')) continue;
      for (const { value: pod } of registry.store.list({ group: '', resource: 'pods' }).items) {
        if ((pod.spec as JsonObject | undefined)?.nodeName !== name) continue;
        const pm = pod.metadata as JsonObject;
        await registry
          .delete(PODS, String(pm.namespace), String(pm.name), {
            gracePeriodSeconds: 0,
            preconditions: { uid: String(pm.uid) },
          })
          .catch(() => undefined);
      }
      await registry.delete(LEASES, 'kube-node-lease', name).catch(() => undefined);
      await registry.delete(NODES, undefined, name).catch(() => undefined);
    }
  }
}
