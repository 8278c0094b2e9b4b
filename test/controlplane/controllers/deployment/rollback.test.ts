import test from 'ava';
import {
  rollbackTo,
  findRevision,
  findNewReplicaSet,
} from '../../../../src/controlplane/controllers/deployment/index.js';
import { deployment, replicaSet } from './fixtures.js';

const history = () => [
  replicaSet('web-a', 0, { revision: 1, image: 'v1', annotations: { note: 'first' } }),
  replicaSet('web-b', 0, { revision: 2, image: 'v2', annotations: { note: 'second' } }),
  replicaSet('web-c', 10, { revision: 3, image: 'v3' }),
];

test('undo goes to the previous revision and copies its template without the hash', (t) => {
  const rss = history();
  const d = deployment();
  d.spec.template = structuredClone(rss[2]!.spec.template);
  delete d.spec.template.metadata!.labels!['pod-template-hash'];
  d.metadata.annotations = { 'deployment.kubernetes.io/revision': '3', note: 'third', added: 'later' };
  const target = findRevision(rss);
  t.is(target.metadata.name, 'web-b');
  const { deployment: back, skipped } = rollbackTo(d, target);
  t.is(skipped, undefined);
  t.is((back.spec.template.spec as any).containers[0].image, 'v2');
  t.is(back.spec.template.metadata?.labels?.['pod-template-hash'], undefined);
  t.deepEqual(back.metadata.annotations, { 'deployment.kubernetes.io/revision': '3', note: 'second' });
  // the controller now recognises web-b as the new ReplicaSet
  t.is(findNewReplicaSet(back, rss)?.metadata.name, 'web-b');
  t.is((d.spec.template.spec as any).containers[0].image, 'v3', 'input untouched');
});

test('explicit revisions, missing ones, no-ops and paused deployments', (t) => {
  const rss = history();
  t.is(findRevision(rss, 1).metadata.name, 'web-a');
  t.throws(() => findRevision(rss, 7), { message: 'unable to find specified revision 7 in history' });
  t.throws(() => findRevision([rss[2]!]), { message: /no rollout history/ });
  const d = deployment();
  d.spec.template = structuredClone(rss[0]!.spec.template);
  t.regex(rollbackTo(d, rss[0]!).skipped ?? '', /already matches revision 1/);
  t.throws(() => rollbackTo({ ...d, spec: { ...d.spec, paused: true } }, rss[1]!), {
    message: /paused deployment/,
  });
});
