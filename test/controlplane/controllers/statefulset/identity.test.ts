import test from 'ava';
import {
  claimsFor,
  fnv32,
  newStatefulPod,
  parentAndOrdinal,
  revisionOf,
  templateOf,
} from '../../../../src/controlplane/controllers/statefulset/index.js';
import { statefulSet } from './fixtures.js';

test('ordinals come from the last -<digits> of the name', (t) => {
  const of = (name: string) => parentAndOrdinal({ metadata: { name } });
  t.deepEqual(of('web-10'), { parent: 'web', ordinal: 10 });
  t.deepEqual(of('db-a-2'), { parent: 'db-a', ordinal: 2 });
  t.is(of('web').ordinal, -1);
  t.is(of('web-99999999999').ordinal, -1); // beyond int32
});

test('a stateful pod carries its identity, revision and claim volumes', (t) => {
  const sts = statefulSet();
  (sts.spec.template.spec as any).volumes = [
    { name: 'data', emptyDir: {} },
    { name: 'tmp', emptyDir: {} },
  ];
  const rev = revisionOf(sts, 0, 1);
  const pod = newStatefulPod(sts, 2, rev);
  t.is(pod.metadata.name, 'web-2');
  t.is(pod.metadata.namespace, 'default');
  t.deepEqual(pod.metadata.labels, {
    app: 'web',
    'statefulset.kubernetes.io/pod-name': 'web-2',
    'apps.kubernetes.io/pod-index': '2',
    'controller-revision-hash': rev.metadata.name!,
  });
  t.is(pod.spec!.hostname, 'web-2');
  t.is(pod.spec!.subdomain, 'web-svc');
  // the claim replaces the template's own `data` volume; `tmp` is kept
  t.deepEqual(pod.spec!.volumes, [
    { name: 'data', persistentVolumeClaim: { claimName: 'data-web-2' } },
    { name: 'tmp', emptyDir: {} },
  ]);
  t.like(pod.metadata.ownerReferences![0], {
    kind: 'StatefulSet',
    name: 'web',
    uid: 'uid-web',
    controller: true,
  });
});

test('claims are named <claim>-<sts>-<ordinal> and carry the selector labels', (t) => {
  const sts = statefulSet();
  sts.spec.volumeClaimTemplates![0]!.metadata.labels = { tier: 'db', app: 'other' };
  const [claim] = claimsFor(sts, 1);
  t.is(claim!.metadata.name, 'data-web-1');
  t.is(claim!.kind, 'PersistentVolumeClaim');
  t.deepEqual(claim!.metadata.labels, { tier: 'db', app: 'web' });
  t.deepEqual(claim!.spec, { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
});

test('a revision records the template as a replace patch under <sts>-<hash>', (t) => {
  const sts = statefulSet();
  const rev = revisionOf(sts, 0, 4);
  const hash = rev.metadata.labels!['controller.kubernetes.io/hash']!;
  t.regex(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  t.is(rev.metadata.name, `web-${hash}`);
  t.is(rev.revision, 4);
  t.is((rev.data as any).spec.template.$patch, 'replace');
  t.deepEqual(templateOf(rev), sts.spec.template);
  // same template with keys in another order: same hash; another collision count: another
  const reordered = statefulSet();
  reordered.spec.template = {
    spec: reordered.spec.template.spec,
    metadata: reordered.spec.template.metadata,
  };
  t.is(revisionOf(reordered, 0).metadata.name, rev.metadata.name);
  t.not(revisionOf(sts, 1).metadata.name, rev.metadata.name);
});

test('the revision hash is FNV-1 (Go hash/fnv New32), not FNV-1a', (t) => {
  t.is(fnv32(Buffer.from('')), 0x811c9dc5);
  t.is(fnv32(Buffer.from('a')), 0x050c5d7e);
  t.is(fnv32(Buffer.from('foobar')), 0x31f0b262);
});
