/** Builders for StatefulSets and their pods, and a tiny cluster that applies plans. */
import { timestamp, type Pod } from '../../../../src/controlplane/controllers/deployment/index.js';
import {
  planStatefulSet,
  type ControllerRevision,
  type PersistentVolumeClaim,
  type StatefulSet,
  type StatefulSetPlan,
} from '../../../../src/controlplane/controllers/statefulset/index.js';

export const T0 = new Date('2024-05-01T12:00:00Z');

export function statefulSet(opts: Partial<StatefulSet['spec']> & { image?: string } = {}): StatefulSet {
  const { image = 'db:1', ...spec } = opts;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', generation: 1 },
    spec: {
      replicas: 3,
      serviceName: 'web-svc',
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'db', image }] },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
      ...spec,
    },
  };
}

/** The set with a new image and generation, as after `kubectl set image`. */
export function withImage(sts: StatefulSet, image: string): StatefulSet {
  const next = structuredClone(sts);
  (next.spec.template.spec as any).containers[0].image = image;
  next.metadata.generation = (next.metadata.generation ?? 1) + 1;
  return next;
}

/** The set, its pods, revisions and claims; `sync` applies a plan, `kubelet` runs pods. */
export class Cluster {
  pods: Pod[] = [];
  revisions: ControllerRevision[] = [];
  pvcs: PersistentVolumeClaim[] = [];
  now = T0;
  private seq = 0;

  constructor(public sts: StatefulSet) {}

  sync(): StatefulSetPlan {
    const plan = planStatefulSet(this.sts, this.pods, this.revisions, this.pvcs, this.now);
    if (plan.createRevision) this.revisions.push(plan.createRevision);
    if (plan.updateRevision)
      this.revisions = this.revisions.map((r) =>
        r.metadata.name === plan.updateRevision!.metadata.name ? plan.updateRevision! : r,
      );
    this.revisions = this.revisions.filter((r) => !plan.deleteRevisions.includes(r.metadata.name!));
    this.pvcs.push(...plan.createPVCs);
    for (const u of plan.updatePVCs)
      this.pvcs = this.pvcs.map((c) => (c.metadata.name === u.metadata.name ? u : c));
    for (const p of plan.createPods) {
      this.seq++;
      this.pods.push({
        ...p,
        metadata: { ...p.metadata, uid: `pod-${this.seq}` },
        status: { phase: 'Pending' },
      });
    }
    for (const name of plan.deletePods) {
      const p = this.pods.find((x) => x.metadata.name === name)!;
      p.metadata.deletionTimestamp = timestamp(this.now);
    }
    this.sts = { ...this.sts, status: plan.status };
    return plan;
  }

  /** Terminating pods go away; pending pods start and become ready. */
  kubelet(): void {
    this.pods = this.pods.filter((p) => !p.metadata.deletionTimestamp);
    for (const p of this.pods) if (p.status?.phase === 'Pending') setReady(p, this.now);
  }

  tick(seconds = 1): void {
    this.now = new Date(this.now.getTime() + seconds * 1000);
  }

  names(): string[] {
    return this.pods.map((p) => p.metadata.name!).sort();
  }

  pod(name: string): Pod {
    return this.pods.find((p) => p.metadata.name === name)!;
  }

  /** Syncs, runs the kubelet and ticks until a sync changes nothing (or `max` rounds). */
  converge(max = 50): number {
    for (let i = 0; i < max; i++) {
      const plan = this.sync();
      const pending = this.pods.some((p) => p.status?.phase === 'Pending' || p.metadata.deletionTimestamp);
      if (!plan.createPods.length && !plan.deletePods.length && !pending) return i;
      this.kubelet();
      this.tick();
    }
    return max;
  }
}

export function setReady(p: Pod, now: Date): void {
  p.status = {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: timestamp(now) }],
  };
}
