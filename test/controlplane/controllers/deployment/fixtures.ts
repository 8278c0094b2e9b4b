/** Builders for Deployments, ReplicaSets and pods as plain JSON, and a tiny simulated cluster. */
import {
  newPodFor,
  planDeploymentSync,
  planReplicaSet,
  replicaSetStatus,
  timestamp,
  isPodAvailable,
  type Deployment,
  type Pod,
  type ReplicaSet,
} from '../../../../src/controlplane/controllers/deployment/index.js';

export const T0 = new Date('2024-05-01T12:00:00Z');
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

export function template(image = 'nginx:1'): Deployment['spec']['template'] {
  return {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image }] },
  };
}

export function deployment(
  opts: Partial<Deployment['spec']> & { name?: string; generation?: number } = {},
): Deployment {
  const { name = 'web', generation = 1, ...spec } = opts;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation },
    spec: {
      replicas: 10,
      selector: { matchLabels: { app: 'web' } },
      template: template(),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...spec,
    },
  };
}

export function replicaSet(
  name: string,
  replicas: number,
  opts: {
    available?: number;
    revision?: number;
    created?: Date;
    image?: string;
    annotations?: Record<string, string>;
  } = {},
): ReplicaSet {
  const annotations: Record<string, string> = { ...opts.annotations };
  if (opts.revision !== undefined) annotations['deployment.kubernetes.io/revision'] = String(opts.revision);
  const tpl = template(opts.image ?? name);
  tpl.metadata!.labels!['pod-template-hash'] = name.split('-').pop()!;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      generation: 1,
      creationTimestamp: timestamp(opts.created ?? T0),
      annotations,
    },
    spec: { replicas, template: tpl },
    status: {
      replicas,
      readyReplicas: opts.available ?? replicas,
      availableReplicas: opts.available ?? replicas,
      observedGeneration: 1,
    },
  };
}

export function pod(
  name: string,
  opts: {
    node?: string;
    phase?: string;
    ready?: boolean;
    readySince?: Date;
    created?: Date;
    restarts?: number;
    cost?: number;
    uid?: string;
  } = {},
): Pod {
  const ready = opts.ready ?? opts.phase === 'Running';
  return {
    metadata: {
      name,
      uid: opts.uid ?? `uid-${name}`,
      creationTimestamp: timestamp(opts.created ?? T0),
      labels: { app: 'web' },
      ...(opts.cost !== undefined
        ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(opts.cost) } }
        : {}),
    },
    spec: { containers: [], ...(opts.node ? { nodeName: opts.node } : {}) },
    status: {
      phase: opts.phase ?? 'Pending',
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          lastTransitionTime: timestamp(opts.readySince ?? opts.created ?? T0),
        },
      ],
      containerStatuses: [{ name: 'web', restartCount: opts.restarts ?? 0 }],
    },
  };
}

/**
 * A cluster in memory: the Deployment and ReplicaSet decisions wired the way a controller
 * loop would, a kubelet that schedules and readies pods, and a clock moving a second a tick.
 */
export class Cluster {
  rss: ReplicaSet[] = [];
  pods: Pod[] = [];
  now: Date = T0;
  private seq = 0;
  /** pods the kubelet readies per tick (Infinity: all) */
  readyPerTick = Infinity;

  constructor(public deployment: Deployment) {}

  podsOf(rs: ReplicaSet): Pod[] {
    return this.pods.filter((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid);
  }

  syncDeployment(): void {
    const plan = planDeploymentSync(this.deployment, this.rss, this.pods, this.now);
    if (plan.create)
      this.rss.push({
        ...plan.create,
        metadata: { ...plan.create.metadata, uid: `uid-${plan.create.metadata.name}`, generation: 1 },
      });
    if (plan.update)
      this.rss = this.rss.map((rs) => (rs.metadata.name === plan.update!.metadata.name ? plan.update! : rs));
    for (const op of plan.scale) {
      const rs = this.rss.find((r) => r.metadata.name === op.name)!;
      rs.spec.replicas = op.replicas;
      rs.metadata.annotations = { ...rs.metadata.annotations, ...op.annotations };
    }
    this.rss = this.rss.filter((rs) => !plan.delete.includes(rs.metadata.name!));
    this.deployment = {
      ...this.deployment,
      metadata: { ...this.deployment.metadata, annotations: plan.annotations },
      status: plan.status,
    };
  }

  syncReplicaSets(): void {
    for (const rs of this.rss) {
      const plan = planReplicaSet(rs, this.podsOf(rs), { now: this.now });
      for (let i = 0; i < plan.create; i++) {
        const p = newPodFor(rs, String(++this.seq));
        p.metadata.uid = `pod-${this.seq}`;
        p.metadata.creationTimestamp = timestamp(this.now);
        p.status = { phase: 'Pending' };
        this.pods.push(p);
      }
      this.pods = this.pods.filter((p) => !plan.delete.includes(p.metadata.name!));
    }
  }

  kubelet(): void {
    let budget = this.readyPerTick;
    for (const p of this.pods) {
      if (p.status?.phase === 'Running' || budget-- <= 0) continue;
      p.spec = { ...p.spec, nodeName: 'node-1' };
      p.status = {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: timestamp(this.now) }],
      };
    }
  }

  observeReplicaSets(): void {
    for (const rs of this.rss) rs.status = replicaSetStatus(rs, this.podsOf(rs), this.now);
  }

  /** Pods available now, by the Deployment's minReadySeconds. */
  availablePods(): number {
    return this.pods.filter((p) => isPodAvailable(p, this.deployment.spec.minReadySeconds ?? 0, this.now))
      .length;
  }

  podsWithImage(image: string): number {
    return this.pods.filter((p) => (p.spec as any)?.containers?.[0]?.image === image).length;
  }

  tick(seconds = 1): void {
    this.now = new Date(this.now.getTime() + seconds * 1000);
  }
}
