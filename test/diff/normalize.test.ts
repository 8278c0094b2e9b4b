/** normalize: server-set fields go, the rest stays, nothing is copied that need not be. */
import test from 'ava';
import type { KubeObject } from '../../src/core/index.js';
import { LAST_APPLIED_ANNOTATION, normalize } from '../../src/diff/index.js';

function live(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: '0f6b',
      resourceVersion: '1234',
      generation: 4,
      creationTimestamp: '2024-05-01T10:00:00Z',
      selfLink: '/apis/apps/v1/namespaces/shop/deployments/web',
      deletionTimestamp: '2024-05-02T10:00:00Z',
      deletionGracePeriodSeconds: 30,
      managedFields: [{ manager: 'capstan', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: {} }],
      labels: { app: 'web' },
      annotations: { [LAST_APPLIED_ANNOTATION]: '{"kind":"Deployment"}', note: 'kept' },
      finalizers: ['example.com/keep'],
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'x' }],
    },
    spec: { replicas: 2, template: { metadata: { creationTimestamp: null } } },
    status: { replicas: 2 },
  };
}

test('server-set metadata, status and the last-applied annotation go; the rest stays', (t) => {
  t.deepEqual(normalize(live()), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: { app: 'web' },
      annotations: { note: 'kept' },
      finalizers: ['example.com/keep'],
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'x' }],
    },
    spec: { replicas: 2, template: { metadata: { creationTimestamp: null } } },
  });
});

test('annotations left empty by the last-applied one are dropped', (t) => {
  const obj = live();
  obj.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: '{}' };
  t.false('annotations' in normalize(obj).metadata);
});

test('the input is not changed; an object with nothing to drop is returned as it is', (t) => {
  const obj = live();
  const before = structuredClone(obj);
  const out = normalize(obj);
  t.deepEqual(obj, before);
  t.is(out.spec, obj.spec, 'untouched parts are shared, not copied');
  t.is(normalize(out), out);
});

test("a Secret's stringData is folded into data, base64, winning over data", (t) => {
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { a: Buffer.from('old').toString('base64'), b: 'Yg==' },
    stringData: { a: 'new', c: 'ç' },
  };
  t.deepEqual(normalize(secret), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { a: 'bmV3', b: 'Yg==', c: Buffer.from('ç').toString('base64') },
  });
});
