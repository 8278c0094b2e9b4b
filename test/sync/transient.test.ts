import test from 'ava';
import { ClusterError } from '../../src/cluster/types.js';
import { isTransientReadError, isTransientWriteError } from '../../src/sync/transient.js';

const error = (reason: string, status: number) =>
  new ClusterError(reason, status, `ConfigMap a/b: ${reason}`);

test('the cluster’s failures are transient; refusals of the object are not', (t) => {
  for (const [reason, status] of [
    ['Unreachable', 0],
    ['Conflict', 409],
    ['TooManyRequests', 429],
    ['InternalError', 500],
    ['ServiceUnavailable', 503],
    ['Timeout', 504],
    ['NotFound', 404], // on a write: the namespace or the kind is not there yet
  ] as const)
    t.true(isTransientWriteError(error(reason, status)), reason);
  for (const [reason, status] of [
    ['Invalid', 422],
    ['BadRequest', 400],
    ['Forbidden', 403],
    ['Unauthorized', 401],
    ['RequestEntityTooLarge', 413],
  ] as const)
    t.false(isTransientWriteError(error(reason, status)), reason);
  t.false(isTransientWriteError(new Error('render failed')));
  t.false(isTransientReadError(error('NotFound', 404)), 'NotFound on a read is an answer');
  t.true(isTransientReadError(error('Unreachable', 0)));
});
