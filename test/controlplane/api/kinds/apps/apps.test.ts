import test from 'ava';
import type { JsonObject } from '../../../../../src/core/index.js';
import { deployments } from '../../../../../src/controlplane/api/kinds/apps/deployments.js';
import { statefulsets } from '../../../../../src/controlplane/api/kinds/apps/statefulsets.js';
import { daemonsets } from '../../../../../src/controlplane/api/kinds/apps/daemonsets.js';
import { replicasets } from '../../../../../src/controlplane/api/kinds/apps/replicasets.js';
import { controllerrevisions } from '../../../../../src/controlplane/api/kinds/apps/controllerrevisions.js';

const now = new Date('2024-05-01T12:00:00Z');
const meta = { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:55:00Z' };
const template = () => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
});
const deployment = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { ...meta },
  spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
});

test('Deployment defaults match SetDefaults_Deployment and the template gets PodSpec defaults', (t) => {
  const d = deployment();
  deployments.defaults!(d);
  const spec = d.spec as JsonObject;
  t.is(spec.replicas, 1);
  t.deepEqual(spec.strategy, {
    type: 'RollingUpdate',
    rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
  });
  t.is(spec.revisionHistoryLimit, 10);
  t.is(spec.progressDeadlineSeconds, 600);
  const tpl = spec.template as JsonObject;
  t.deepEqual(tpl.metadata, { labels: { app: 'web' }, creationTimestamp: null });
  t.is((tpl.spec as JsonObject).restartPolicy, 'Always');
  t.false('enableServiceLinks' in (tpl.spec as JsonObject));
  t.deepEqual(deployments.validate!(d), []);
});

test('Recreate gets no rollingUpdate', (t) => {
  const d = deployment();
  (d.spec as JsonObject).strategy = { type: 'Recreate' };
  deployments.defaults!(d);
  t.deepEqual((d.spec as JsonObject).strategy, { type: 'Recreate' });
});

test('Deployment validation: selector must match labels, replicas ≥ 0, restartPolicy Always, selector immutable', (t) => {
  const d = deployment();
  deployments.defaults!(d);
  const spec = d.spec as JsonObject;
  spec.replicas = -1;
  spec.selector = { matchLabels: { app: 'other' } };
  ((spec.template as JsonObject).spec as JsonObject).restartPolicy = 'Never';
  t.deepEqual(
    deployments.validate!(d).map((c) => `${c.field}: ${c.message}`),
    [
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ],
  );
  const before = deployment();
  deployments.defaults!(before);
  const after = deployment();
  deployments.defaults!(after);
  (after.spec as JsonObject).selector = { matchLabels: { app: 'web', tier: 'x' } };
  ((after.spec as JsonObject).template as JsonObject).metadata = { labels: { app: 'web', tier: 'x' } };
  t.deepEqual(
    deployments.validate!(after, before).map((c) => c.field),
    ['spec.selector'],
  );
});

test('maxUnavailable and maxSurge may not both be zero', (t) => {
  const d = deployment();
  (d.spec as JsonObject).strategy = {
    type: 'RollingUpdate',
    rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' },
  };
  deployments.defaults!(d);
  t.deepEqual(
    deployments.validate!(d).map((c) => c.message),
    ['Invalid value: 0: may not be 0 when `maxSurge` is 0'],
  );
});

test('Deployment row: READY UP-TO-DATE AVAILABLE AGE + wide CONTAINERS IMAGES SELECTOR', (t) => {
  const d = deployment();
  deployments.defaults!(d);
  (d.spec as JsonObject).replicas = 3;
  d.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
  t.deepEqual(
    deployments.printColumns!.map((c) => c.name),
    ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
  );
  t.deepEqual(deployments.printRow!(d, now), ['web', '2/3', 3, 2, '5m', 'nginx', 'nginx:1.27', 'app=web']);
  t.deepEqual(deployments.shortNames, ['deploy']);
  t.deepEqual(deployments.scale, {
    specReplicasPath: 'spec.replicas',
    statusReplicasPath: 'status.replicas',
    labelSelectorPath: 'spec.selector',
  });
});

test('StatefulSet defaults, including claim templates', (t) => {
  const s: JsonObject = {
    metadata: { ...meta },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      serviceName: 'web',
      template: template(),
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  };
  statefulsets.defaults!(s);
  const spec = s.spec as JsonObject;
  t.is(spec.podManagementPolicy, 'OrderedReady');
  t.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  t.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  t.is(spec.replicas, 1);
  t.is(spec.revisionHistoryLimit, 10);
  t.deepEqual(spec.volumeClaimTemplates, [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', creationTimestamp: null },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Pending' },
    },
  ]);
  t.deepEqual(statefulsets.validate!(s), []);
  const changed = JSON.parse(JSON.stringify(s)) as JsonObject;
  (changed.spec as JsonObject).serviceName = 'other';
  t.deepEqual(
    statefulsets.validate!(changed, s).map((c) => `${c.field} ${c.reason}`),
    ['spec FieldValueForbidden'],
  );
  s.status = { readyReplicas: 1 };
  t.deepEqual(statefulsets.printRow!(s, now), ['web', '1/1', '5m', 'nginx', 'nginx:1.27']);
});

test('DaemonSet defaults and row', (t) => {
  const ds: JsonObject = {
    metadata: { ...meta },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
  };
  daemonsets.defaults!(ds);
  t.deepEqual((ds.spec as JsonObject).updateStrategy, {
    type: 'RollingUpdate',
    rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
  });
  t.is((ds.spec as JsonObject).revisionHistoryLimit, 10);
  ds.status = {
    desiredNumberScheduled: 1,
    currentNumberScheduled: 1,
    numberReady: 1,
    updatedNumberScheduled: 1,
    numberAvailable: 1,
  };
  t.deepEqual(daemonsets.printRow!(ds, now), [
    'web',
    1,
    1,
    1,
    1,
    1,
    '<none>',
    '5m',
    'nginx',
    'nginx:1.27',
    'app=web',
  ]);
});

test('ReplicaSet row and selectable status.replicas', (t) => {
  const rs: JsonObject = {
    metadata: { ...meta },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
    status: { replicas: 2, readyReplicas: 1 },
  };
  replicasets.defaults!(rs);
  t.deepEqual(replicasets.printRow!(rs, now), ['web', 1, 2, 1, '5m', 'nginx', 'nginx:1.27', 'app=web']);
  t.deepEqual(replicasets.selectableFields!(rs), { 'status.replicas': '2' });
});

test('ControllerRevision prints its controller', (t) => {
  const cr: JsonObject = {
    metadata: {
      ...meta,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true },
      ],
    },
    revision: 2,
    data: {},
  };
  t.deepEqual(controllerrevisions.printRow!(cr, now), ['web', 'statefulset.apps/web', 2, '5m']);
});
