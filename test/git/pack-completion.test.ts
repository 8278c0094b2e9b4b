import test from 'ava';
import {
  deltaChainProblem,
  externalBases,
  MAX_DELTA_DEPTH,
  type PackEntry,
} from '../../src/git/pack-completion.js';

const BLOB = 3;
const OFS_DELTA = 6;
const REF_DELTA = 7;
const oid = (n: number): string => n.toString(16).padStart(40, '0');

/** A whole blob, then `length` deltas each on the one before it, by name. */
function chain(length: number): PackEntry[] {
  const entries: PackEntry[] = [{ oid: oid(0), offset: 12, type: BLOB }];
  for (let i = 1; i <= length; i++)
    entries.push({ oid: oid(i), offset: 12 + i * 10, type: REF_DELTA, baseOid: oid(i - 1) });
  return entries;
}

test('a pack whose deltas all have their bases in it, in chains up to the limit, is readable on its own', (t) => {
  t.is(deltaChainProblem(chain(MAX_DELTA_DEPTH)), undefined);
  t.is(
    deltaChainProblem([
      { oid: oid(1), offset: 12, type: BLOB },
      { oid: oid(2), offset: 40, type: OFS_DELTA, baseOffset: 12 },
      { oid: oid(3), offset: 90, type: REF_DELTA, baseOid: oid(2) },
    ]),
    undefined,
  );
});

test('a delta cycle or a chain over the limit is refused instead of followed', (t) => {
  const cycle: PackEntry[] = [
    { oid: oid(1), offset: 12, type: REF_DELTA, baseOid: oid(2) },
    { oid: oid(2), offset: 40, type: REF_DELTA, baseOid: oid(1) },
  ];
  t.regex(deltaChainProblem(cycle) ?? '', /longer than 4095 \(or a cycle\)/);
  t.regex(deltaChainProblem(chain(MAX_DELTA_DEPTH + 1)) ?? '', /longer than 4095/);
  const forward: PackEntry[] = [
    { oid: oid(1), offset: 12, type: OFS_DELTA, baseOffset: 12 },
    { oid: oid(2), offset: 40, type: BLOB },
  ];
  t.regex(deltaChainProblem(forward) ?? '', /delta of an object after it/);
});

test('a thin pack names the bases it lacks, and is not readable on its own', (t) => {
  const thin: PackEntry[] = [
    { oid: oid(1), offset: 12, type: REF_DELTA, baseOid: oid(9) },
    { oid: oid(2), offset: 40, type: REF_DELTA, baseOid: oid(9) },
    { oid: oid(3), offset: 90, type: REF_DELTA, baseOid: oid(1) },
  ];
  t.deepEqual(externalBases(thin), [oid(9)]);
  t.regex(deltaChainProblem(thin) ?? '', new RegExp(`delta of ${oid(9)} the pack does not hold`));
});
