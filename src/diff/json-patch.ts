/**
 * The machine diff: RFC 6902 operations from the live object to what it becomes once the
 * desired object is applied (the comparison's predicted object), computed by fast-json-patch.
 * Meant for records and displays, not for applying: Secret values in it are masked.
 */
import fastJsonPatch from 'fast-json-patch';
import type { KubeObject } from '../core/index.js';
import type { JsonPatchOp } from '../merge/index.js';
import { comparison, type CompareOptions } from './compare.js';

/**
 * The operations that turn normalized live into normalized predicted-live; [] when in sync.
 * A missing live object is one `add` at the root, a missing desired object one `remove`.
 */
export function jsonPatch(
  live: KubeObject | undefined,
  desired: KubeObject | undefined,
  options: CompareOptions = {},
): JsonPatchOp[] {
  const c = comparison(desired, live, options);
  if (c.inSync) return [];
  if (!c.live) return c.desired ? [{ op: 'add', path: '', value: c.desired as never }] : [];
  if (!c.predicted) return [{ op: 'remove', path: '' }];
  return fastJsonPatch.compare(c.live, c.predicted) as JsonPatchOp[];
}
