/** Builders for DaemonSets and nodes, and a tiny cluster that applies plans. */
import type { JsonObject } from '../../../../src/core/index.js';
import {
  isPodAvailable,
  timestamp,
  type Pod,
} from '../../../../src/controlplane/controllers/deployment/index.js';
import {
  planDaemonSet,
  targetNodeName,
  type DaemonSet,
  type DaemonSetPlan,
} from '../../../../src/controlplane/controllers/daemonset/index.js';

export const T0 = new Date('2024-05-01T12:00:00Z');

export function node(
  name: string,
  opts: { labels?: Record<string, string>; taints?: JsonObject[] } = {},
): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(opts.labels ?? {}) } },
    spec: opts.taints ? { taints: opts.taints } : {},
  };
}

export function daemonSet(
  opts: Partial<DaemonSet['spec']> & { image?: string; podSpec?: JsonObject } = {},
): DaemonSet {
  const { image = 'agent:1', podSpec = {}, ...spec } = opts;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', uid: 'uid-agent', generation: 1 },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { containers: [{ name: 'agent', image }], ...podSpec },
      },
      ...spec,
    },
  };
}

/** The set with a new image and generation. */
export function withImage(ds: DaemonSet, image: string): DaemonSet {
  const next = structuredClone(ds);
  (next.spec.template.spec as any).containers[0].image = image;
  next.metadata.generation = (next.metadata.generation ?? 1) + 1;
  return next;
}

/** Nodes, the set and its pods; `sync` applies a plan, `kubelet` binds and readies pods. */
export class Cluster {
  pods: Pod[] = [];
  now = T0;
  private seq = 0;

  constructor(
    public ds: DaemonSet,
    public nodes: JsonObject[],
  ) {}

  sync(): DaemonSetPlan {
    const plan = planDaemonSet(this.ds, this.nodes, this.pods, this.now);
    for (const { pod } of plan.create) {
      this.seq++;
      const name = `${pod.metadata.generateName}${this.seq}`;
      this.pods.push({
        ...pod,
        metadata: { ...pod.metadata, name, uid: `pod-${this.seq}`, creationTimestamp: timestamp(this.now) },
        status: { phase: 'Pending' },
      });
    }
    this.pods = this.pods.filter((p) => !plan.delete.includes(p.metadata.name!));
    this.ds = { ...this.ds, status: plan.status };
    return plan;
  }

  /** Binds pending pods to their pinned node and readies them. */
  kubelet(): void {
    for (const p of this.pods) {
      if (p.status?.phase !== 'Pending') continue;
      p.spec = { ...p.spec, nodeName: targetNodeName(p)! };
      p.status = {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: timestamp(this.now) }],
      };
    }
  }

  tick(seconds = 1): void {
    this.now = new Date(this.now.getTime() + seconds * 1000);
  }

  /** node → sorted images of its pods */
  layout(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const p of this.pods) {
      const n = targetNodeName(p)!;
      (out[n] ??= []).push((p.spec as any).containers[0].image);
    }
    for (const v of Object.values(out)) v.sort();
    return out;
  }

  /** Nodes with an available pod (of `image`, if given). */
  availableWith(image?: string): number {
    const nodes = new Set(
      this.pods
        .filter(
          (p) => (!image || (p.spec as any).containers[0].image === image) && isPodAvailable(p, 0, this.now),
        )
        .map((p) => targetNodeName(p)),
    );
    return nodes.size;
  }
}
