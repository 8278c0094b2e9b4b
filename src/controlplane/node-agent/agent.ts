/**
 * The node agent (the kubelet's API side) for one node: registers the Node, renews its
 * Lease, runs the pods bound to it through its runtime (processes on this machine, or
 * simulated), reports their status, and finishes their graceful deletion. Level-triggered
 * through the controller host: a pod key is reconciled from what the store holds now.
 * Several agents may run side by side, one per configured node (see nodes.ts).
 */
import os from 'node:os';
import { setRepeatingTimer, type JsonObject, type NodeTaint } from '../../core/index.js';
import type { ReconcileResult } from '../../runtime/index.js';
import { ApiError } from '../api/errors.js';
import type { Registry } from '../api/registry/registry.js';
import { keyOf, splitKey, type ControllerSpec } from '../controllers/controller-host.js';
import { ProcessRuntime, SimulatedRuntime, type ImageCommand } from '../kubelet/index.js';
import { nodeForThisMachine } from '../scheduler/index.js';
import { PodConfigError, resolvePod } from './pod-inputs.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const NODES = { group: '', version: 'v1', resource: 'nodes' };
const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };
const LEASE_RENEW_MS = 10_000;
/** Owns the labels and taints a node has from configuration (server-side apply drops removed ones). */
const CONFIG_MANAGER = 'capstan-node-config';

/** This machine's host name as a Node name (lower case, RFC 1123 characters only). */
export function thisMachineNodeName(): string {
  return (
    os
      .hostname()
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, '-') || 'capstan-node'
  );
}

export interface NodeAgentOptions {
  registry: Registry;
  /** this node's own directory: its pods' logs, volumes and claims live under it */
  dataDir: string;
  /** default: this machine's host name */
  nodeName?: string;
  imageCommands?: ImageCommand[];
  /** `process` (default): containers run as child processes; `simulated`: no processes (like KWOK) */
  runtime?: 'process' | 'simulated';
  /** simulated pods turn Ready after this long (default 1000 ms) */
  simulatedReadyAfterMs?: number;
  /** pods the node takes (default 110, as a kubelet) */
  maxPods?: number;
  /** CPUs the node offers, fractions allowed (default: this machine's) */
  cpus?: number;
  /** memory the node offers (default: this machine's) */
  memoryBytes?: number;
  /** labels and taints from configuration, applied at every start (removed ones go) */
  labels?: Record<string, string>;
  taints?: NodeTaint[];
}

/** What the agent needs of a runtime: both runtimes have this surface. */
type PodRuntime = ProcessRuntime | SimulatedRuntime;

export class NodeAgent {
  readonly nodeName: string;
  readonly runtime: PodRuntime;
  /** which runtime `runtime` is */
  readonly runtimeKind: 'process' | 'simulated';
  private readonly registry: Registry;
  /** pod uid → its key, for status reports */
  private readonly keys = new Map<string, string>();
  private leaseTimer?: NodeJS.Timeout;

  constructor(private readonly options: NodeAgentOptions) {
    this.registry = options.registry;
    this.nodeName = options.nodeName ?? thisMachineNodeName();
    this.runtimeKind = options.runtime ?? 'process';
    const onPodStatus = (uid: string, status: JsonObject) => void this.reportStatus(uid, status);
    this.runtime =
      options.runtime === 'simulated'
        ? new SimulatedRuntime({ readyAfterMs: options.simulatedReadyAfterMs, onPodStatus })
        : new ProcessRuntime({
            dataDir: options.dataDir,
            imageCommands: options.imageCommands,
            env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
            onPodStatus,
          });
  }

  /** Registers (or refreshes) the Node and starts renewing its Lease. */
  async start(): Promise<void> {
    const node = nodeForThisMachine({
      name: this.nodeName,
      cpus: this.options.cpus ?? os.cpus().length,
      memoryBytes: this.options.memoryBytes ?? os.totalmem(),
      maxPods: this.options.maxPods ?? 110,
      // simulated pods are marked wherever they are shown: here on their node
      labels: this.options.runtime === 'simulated' ? { 'capstan.dev/runtime': 'simulated' } : {},
      now: this.registry.now(),
    });
    // status is a subresource: a create drops it, so it is written separately
    const key = { group: '', resource: 'nodes', namespace: '', name: this.nodeName };
    if (!this.registry.store.get(key))
      await this.registry.create(NODES, undefined, node, { fieldManager: 'kubelet' });
    await this.applyConfiguredFields();
    const stored = this.registry.store.get(key)!;
    await this.registry.update(
      NODES,
      undefined,
      this.nodeName,
      { ...structuredClone(stored.value), status: node.status },
      { subresource: 'status', fieldManager: 'kubelet' },
    );
    await this.renewLease();
    this.leaseTimer = setRepeatingTimer(() => void this.renewLease(), LEASE_RENEW_MS);
    this.leaseTimer.unref();
  }

  /** The controller that keeps this node's pods running as the store says. */
  podController(): ControllerSpec {
    const mine = (o: JsonObject) => (o.spec as JsonObject | undefined)?.nodeName === this.nodeName;
    return {
      name: `kubelet/${this.nodeName}`,
      primary: { group: '', resource: 'pods' },
      watches: [{ group: '', resource: 'pods', keys: (o) => (mine(o) ? [keyOf(o)] : []) }],
      workers: 4,
      reconcile: (key) => this.syncPod(key),
    };
  }

  async close(): Promise<void> {
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await this.runtime.close();
  }

  /**
   * Labels and taints from configuration, through server-side apply under their own field
   * manager: a label or taint dropped from the configuration is removed at the next start,
   * while those set with kubectl stay. Skipped when there is nothing configured now or before.
   */
  private async applyConfiguredFields(): Promise<void> {
    const labels = this.options.labels ?? {};
    const taints = this.options.taints ?? [];
    const current = this.registry.store.get({
      group: '',
      resource: 'nodes',
      namespace: '',
      name: this.nodeName,
    });
    const managed = ((current?.value.metadata as JsonObject | undefined)?.managedFields ??
      []) as JsonObject[];
    const before = managed.some((m) => m.manager === CONFIG_MANAGER);
    if (!before && Object.keys(labels).length === 0 && taints.length === 0) return;
    const metadata: JsonObject = { name: this.nodeName };
    if (Object.keys(labels).length > 0) metadata.labels = { ...labels };
    const body: JsonObject = { apiVersion: 'v1', kind: 'Node', metadata };
    if (taints.length > 0) body.spec = { taints: taints.map((t) => ({ ...t })) };
    await this.registry.patch(NODES, undefined, this.nodeName, 'apply', body, {
      fieldManager: CONFIG_MANAGER,
      force: true,
    });
  }

  private async syncPod(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const found = this.registry.store.get({ group: '', resource: 'pods', namespace, name });
    if (!found) {
      // deleted while running: stop whatever still runs under its uid
      for (const [uid, k] of this.keys) {
        if (k === key) {
          this.keys.delete(uid);
          await this.runtime.killPod(uid, 0);
          await this.runtime.removePod(uid);
        }
      }
      return;
    }
    const pod = found.value;
    if ((pod.spec as JsonObject).nodeName !== this.nodeName) return;
    const meta = pod.metadata as JsonObject;
    const uid = String(meta.uid);
    this.keys.set(uid, key);
    if (meta.deletionTimestamp) {
      await this.runtime.killPod(uid, Number(meta.deletionGracePeriodSeconds ?? 30));
      await this.runtime.removePod(uid);
      this.keys.delete(uid);
      // the kubelet confirms the deletion with a zero grace period
      await this.registry
        .delete(PODS, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid } })
        .catch(() => undefined);
      return;
    }
    try {
      const resolved = resolvePod(
        pod,
        (resource, ns, n) => this.registry.store.get({ group: '', resource, namespace: ns, name: n })?.value,
        this.options.dataDir,
      );
      await this.runtime.syncPod(pod, resolved);
    } catch (e) {
      if (!(e instanceof PodConfigError)) throw e;
      await this.reportConfigError(pod, e);
      return { requeueAfter: 5000 };
    }
  }

  private async reportStatus(uid: string, status: JsonObject): Promise<void> {
    const key = this.keys.get(uid);
    if (!key) return;
    const { namespace, name } = splitKey(key);
    const found = this.registry.store.get({ group: '', resource: 'pods', namespace, name });
    if (!found || (found.value.metadata as JsonObject).uid !== uid) return;
    const current = found.value;
    // keep the scheduler's PodScheduled condition; the runtime reports the rest
    const scheduled = (
      (current.status as JsonObject | undefined)?.conditions as JsonObject[] | undefined
    )?.filter((c) => c.type === 'PodScheduled');
    const conditions = [
      ...(scheduled ?? []),
      ...((status.conditions ?? []) as JsonObject[]).filter((c) => c.type !== 'PodScheduled'),
    ];
    const next = { ...status, conditions, hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }] };
    await this.registry
      .update(
        PODS,
        namespace,
        name,
        { ...current, status: { ...(current.status as JsonObject), ...next } },
        { subresource: 'status', fieldManager: 'kubelet' },
      )
      .catch((e) => {
        if (!(e instanceof ApiError)) throw e;
      });
  }

  private async reportConfigError(pod: JsonObject, e: PodConfigError): Promise<void> {
    const meta = pod.metadata as JsonObject;
    const containers = ((pod.spec as JsonObject).containers ?? []) as JsonObject[];
    const status: JsonObject = {
      ...(pod.status as JsonObject),
      phase: 'Pending',
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: 'CreateContainerConfigError', message: e.message } },
      })),
    };
    await this.registry
      .update(
        PODS,
        String(meta.namespace),
        String(meta.name),
        { ...pod, status },
        { subresource: 'status', fieldManager: 'kubelet' },
      )
      .catch(() => undefined);
  }

  private async renewLease(): Promise<void> {
    const now = this.registry.now();
    const micro = now.toISOString().replace('Z', '000Z');
    const existing = this.registry.store.get({
      group: 'coordination.k8s.io',
      resource: 'leases',
      namespace: 'kube-node-lease',
      name: this.nodeName,
    });
    try {
      if (!existing) {
        await this.registry.create(
          LEASES,
          'kube-node-lease',
          {
            metadata: { name: this.nodeName, namespace: 'kube-node-lease' },
            spec: { holderIdentity: this.nodeName, leaseDurationSeconds: 40, renewTime: micro },
          },
          { fieldManager: 'kubelet' },
        );
      } else {
        const next = structuredClone(existing.value);
        (next.spec as JsonObject).renewTime = micro;
        await this.registry.update(LEASES, 'kube-node-lease', this.nodeName, next, {
          fieldManager: 'kubelet',
        });
      }
    } catch {
      // the next renewal tries again
    }
  }
}
