/** `replicas` (kustomize's ReplicaCountTransformer): sets the count on workloads named so. */
import { CapstanError } from '../../../core/errors.js';
import { gvkOf } from '../../../core/object.js';
import { compileFieldSpec, walkFieldSpec } from '../field-spec.js';
import { allIds } from '../ids.js';
import type { FieldSpec, Replica, Resource } from '../types.js';

export function setReplicas(
  resources: readonly Resource[],
  replica: Replica,
  specs: readonly FieldSpec[],
  source: string,
): void {
  let found = false;
  for (const spec of specs) {
    const compiled = compileFieldSpec(spec);
    for (const res of resources) {
      const { group, version } = gvkOf(res.obj);
      if ((spec.group && spec.group !== group) || (spec.version && spec.version !== version)) continue;
      const named = allIds(res).some(
        (id) => id.name === replica.name && (!spec.kind || id.kind === spec.kind),
      );
      if (!named) continue;
      found = true;
      walkFieldSpec(compiled, res.obj, () => replica.count, { create: true });
    }
  }
  if (!found) {
    throw new CapstanError(
      'RENDER_REPLICAS_NO_TARGET',
      `${source}: replicas entry '${replica.name}' matches no ${specs.map((s) => s.kind).join(', ')} in the build`,
      { name: replica.name },
    );
  }
}
