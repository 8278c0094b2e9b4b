/**
 * The classic migration: objects created by `kubectl apply` (client-side, an Update by
 * `kubectl-client-side-apply` with the last-applied annotation), then applied with
 * `kubectl apply --server-side`. Manager `kubectl` may take the fields the annotation
 * records without --force-conflicts; any other manager conflicts.
 */
import test from 'ava';
import type { JsonObject } from '../../../../src/core/index.js';
import { ApiError } from '../../../../src/controlplane/api/errors.js';
import {
  LAST_APPLIED_ANNOTATION,
  serverSideApply,
  updateManagedFields,
} from '../../../../src/controlplane/api/apply/index.js';
import { containers, deployment, deploymentGvk, entries, fieldsOf, t0, t1 } from './helpers.js';

/** What kubectl's client-side apply creates: the config plus its own record of it. */
function clientSideApplied(replicasInAnnotation = 3): JsonObject {
  const config = deployment({ replicas: 3, ...containers({ name: 'app', image: 'v1' }) });
  const record = deployment({ replicas: replicasInAnnotation, ...containers({ name: 'app', image: 'v1' }) });
  const annotated = structuredClone(config);
  (annotated.metadata as any).annotations = { [LAST_APPLIED_ANNOTATION]: `${JSON.stringify(record)}\n` };
  return updateManagedFields({
    old: undefined,
    updated: annotated,
    manager: 'kubectl-client-side-apply',
    gvk: deploymentGvk,
    now: t0,
  });
}

const ssa = (live: JsonObject, applied: JsonObject, manager: string, force = false) =>
  serverSideApply({ live, applied, manager, force, gvk: deploymentGvk, now: t1 });

const error = (fn: () => unknown): ApiError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
};

test('kubectl --server-side takes over the fields client-side apply recorded', (t) => {
  const live = clientSideApplied();
  const applied = deployment({ replicas: 5, ...containers({ name: 'app', image: 'v2' }) });
  const obj = ssa(live, applied, 'kubectl');
  t.is((obj.spec as any).replicas, 5);
  t.deepEqual(fieldsOf(obj, 'kubectl/Apply'), {
    'f:spec': {
      'f:replicas': {},
      'f:template': {
        'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
      },
    },
  });
  // Client-side apply keeps only what it still shares (the annotation, the item's name).
  const csa = fieldsOf(obj, 'kubectl-client-side-apply/Update') as any;
  t.false('f:replicas' in csa['f:spec']);
  t.truthy(csa['f:metadata']['f:annotations']);
  // The annotation now records the server-side configuration, as Go encodes it.
  const ann = (obj.metadata as any).annotations[LAST_APPLIED_ANNOTATION] as string;
  t.is(ann, `${JSON.stringify(JSON.parse(ann))}\n`);
  t.deepEqual(JSON.parse(ann), applied);
  t.true(ann.startsWith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":'));
});

test('another manager conflicts with kubectl-client-side-apply, then forces', (t) => {
  const live = clientSideApplied();
  const e = error(() => ssa(live, deployment({ replicas: 5 }), 'deployer'));
  t.is(e.code, 409);
  t.is(
    e.message,
    'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
  );
  t.deepEqual(e.details?.causes, [
    {
      reason: 'FieldManagerConflict',
      message: 'conflict with "kubectl-client-side-apply" using apps/v1',
      field: '.spec.replicas',
    },
  ]);
  const two = error(() =>
    ssa(live, deployment({ replicas: 5, ...containers({ name: 'app', image: 'v2' }) }), 'deployer'),
  );
  t.is(
    two.message,
    'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n' +
      '- .spec.replicas\n- .spec.template.spec.containers[name="app"].image',
  );
  const forced = ssa(live, deployment({ replicas: 5 }), 'deployer', true);
  t.is((forced.spec as any).replicas, 5);
  t.false('f:replicas' in (fieldsOf(forced, 'kubectl-client-side-apply/Update') as any)['f:spec']);
  // Not kubectl: the annotation is left alone.
  t.is(
    (forced.metadata as any).annotations[LAST_APPLIED_ANNOTATION],
    (live.metadata as any).annotations[LAST_APPLIED_ANNOTATION],
  );
});

test('kubectl still conflicts where the live value drifted from the annotation', (t) => {
  const live = clientSideApplied(2); // annotation says 2, object says 3
  const e = error(() => ssa(live, deployment({ replicas: 5 }), 'kubectl'));
  t.is(
    e.message,
    'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
  );
  t.is((ssa(live, deployment({ replicas: 5 }), 'kubectl', true).spec as any).replicas, 5);
});

test('entries sort Apply before Update', (t) => {
  const obj = ssa(clientSideApplied(), deployment({ replicas: 5 }), 'kubectl');
  t.deepEqual(Object.keys(entries(obj)), ['kubectl/Apply', 'kubectl-client-side-apply/Update']);
});
