import test from 'ava';
import { parseQuantity, quantityCeil } from '../../../src/controlplane/scheduler/index.js';

const cases: [string | number, number][] = [
  ['100m', 0.1],
  ['2', 2],
  ['1.5', 1.5],
  ['.5', 0.5],
  ['250m', 0.25],
  ['1Ki', 1024],
  ['1Mi', 1024 ** 2],
  ['1.5Gi', 1.5 * 1024 ** 3],
  ['2Ti', 2 * 1024 ** 4],
  ['1Pi', 1024 ** 5],
  ['1k', 1000],
  ['1M', 1e6],
  ['3G', 3e9],
  ['1T', 1e12],
  ['1P', 1e15],
  ['1E', 1e18],
  ['1e3', 1000],
  ['1E3', 1000],
  ['12e-3', 0.012],
  ['5e+2', 500],
  ['500u', 0.0005],
  ['7n', 7e-9],
  ['-1', -1],
  ['+4', 4],
  ['0', 0],
  [128974848, 128974848],
  [0.5, 0.5],
];

for (const [q, want] of cases) {
  test(`parseQuantity(${JSON.stringify(q)}) = ${want}`, (t) => {
    t.true(Math.abs(parseQuantity(q) - want) <= Math.abs(want) * 1e-12);
  });
}

test('rejects text apimachinery rejects, with a stable code', (t) => {
  for (const bad of ['', 'abc', '1K', '1Gb', '1.2.3', '1 Gi', '1Mi2', '1e', 'Gi1']) {
    const err = t.throws(() => parseQuantity(bad), undefined, bad);
    t.is((err as { code?: string }).code, 'QUANTITY_INVALID', bad);
  }
});

test('quantityCeil rounds up like MilliValue and Value', (t) => {
  t.is(quantityCeil('0.1', 3), 100);
  t.is(quantityCeil('100m', 3), 100);
  t.is(quantityCeil('1.0001', 3), 1001);
  t.is(quantityCeil('1n', 3), 1);
  t.is(quantityCeil('1.5', 0), 2);
  t.is(quantityCeil('1500m', 0), 2);
  t.is(quantityCeil('1Gi', 0), 1073741824);
});
