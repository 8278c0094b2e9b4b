import test from 'ava';
import { fenceposts, planDaemonSet } from '../../../../src/controlplane/controllers/daemonset/index.js';
import { Cluster, daemonSet, node, withImage } from './fixtures.js';

const nodes = (n: number) => Array.from({ length: n }, (_, i) => node(`n${i}`));

test('maxUnavailable rounds percentages up and defaults to 1; 0/0 becomes 1', (t) => {
  const ds = (rollingUpdate: any) => daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate } });
  t.deepEqual(fenceposts(daemonSet(), 10), { surge: 0, unavailable: 1 });
  t.deepEqual(fenceposts(ds({ maxUnavailable: '25%' }), 10), { surge: 0, unavailable: 3 });
  t.deepEqual(fenceposts(ds({ maxUnavailable: 0, maxSurge: 0 }), 4), { surge: 0, unavailable: 1 });
  t.deepEqual(fenceposts(ds({ maxUnavailable: 0, maxSurge: '10%' }), 4), { surge: 1, unavailable: 0 });
  t.deepEqual(fenceposts(daemonSet({ updateStrategy: { type: 'OnDelete' } }), 4), {
    surge: 0,
    unavailable: 0,
  });
});

test('a rolling update never has more than maxUnavailable nodes down', (t) => {
  const c = new Cluster(
    daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } }),
    nodes(5),
  );
  c.sync();
  c.kubelet();
  c.ds = withImage(c.ds, 'agent:2');
  const first = c.sync();
  t.is(first.delete.length, 2);
  t.deepEqual(first.create, []);
  let worst = 0;
  for (let i = 0; i < 20; i++) {
    const plan = c.sync();
    worst = Math.max(worst, 5 - c.availableWith());
    t.true(plan.delete.length <= 2);
    c.kubelet();
    c.tick();
  }
  t.is(worst, 2);
  t.is(c.availableWith('agent:2'), 5);
  t.like(c.ds.status, { updatedNumberScheduled: 5, numberAvailable: 5, desiredNumberScheduled: 5 });
});

test('replaced pods must become available before more old ones go', (t) => {
  const c = new Cluster(daemonSet(), nodes(3));
  c.sync();
  c.kubelet();
  c.ds = withImage(c.ds, 'agent:2');
  t.is(c.sync().delete.length, 1); // maxUnavailable 1
  t.is(c.sync().create.length, 1); // placement recreates it at the new template
  t.deepEqual(c.sync().delete, []); // the new pod is not ready yet
  c.kubelet();
  t.is(c.sync().delete.length, 1);
});

test('an unavailable old pod is replaced even beyond maxUnavailable', (t) => {
  const c = new Cluster(daemonSet(), nodes(3));
  c.sync();
  c.kubelet();
  c.ds = withImage(c.ds, 'agent:2');
  c.pods[0]!.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] };
  c.pods[1]!.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] };
  const broken = [c.pods[0]!.metadata.name, c.pods[1]!.metadata.name];
  // both are replaced although maxUnavailable is 1; the healthy third pod waits
  t.deepEqual(c.sync().delete.sort(), broken.sort());
});

test('with maxSurge the new pod starts beside the old one, which goes once it is available', (t) => {
  const c = new Cluster(
    daemonSet({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    }),
    nodes(3),
  );
  c.sync();
  c.kubelet();
  c.ds = withImage(c.ds, 'agent:2');
  const plan = c.sync();
  t.deepEqual(
    plan.create.map((x) => x.node),
    ['n0'],
  );
  t.deepEqual(plan.delete, []);
  t.deepEqual(c.layout().n0, ['agent:1', 'agent:2']);
  t.deepEqual(c.sync().create, []); // surge budget spent while n0's new pod is not available
  let least = 3;
  for (let i = 0; i < 20; i++) {
    c.kubelet();
    c.tick();
    c.sync();
    least = Math.min(least, c.availableWith());
  }
  t.is(least, 3, 'every node keeps an available pod throughout');
  t.deepEqual(c.layout(), { n0: ['agent:2'], n1: ['agent:2'], n2: ['agent:2'] });
});

test('OnDelete leaves old pods until they are deleted by hand', (t) => {
  const c = new Cluster(daemonSet({ updateStrategy: { type: 'OnDelete' } }), nodes(2));
  c.sync();
  c.kubelet();
  c.ds = withImage(c.ds, 'agent:2');
  const plan = c.sync();
  t.deepEqual(plan.delete, []);
  t.like(plan.status, { updatedNumberScheduled: 0, currentNumberScheduled: 2 });
  c.pods.shift();
  const again = planDaemonSet(c.ds, c.nodes, c.pods, c.now);
  t.is((again.create[0]!.pod.spec as any).containers[0].image, 'agent:2');
});
