/** Aggregating health: gitops-engine's order, Healthy < Suspended < Progressing < Missing < Degraded < Unknown. */
import test from 'ava';
import {
  compareHealth,
  HEALTH_ORDER,
  isWorse,
  worstHealth,
  type HealthCode,
} from '../../../src/sync/health/index.js';

test("the order is gitops-engine's healthOrder", (t) => {
  t.deepEqual(HEALTH_ORDER, ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown']);
});

const cases: [HealthCode[], HealthCode][] = [
  [[], 'Healthy'],
  [['Healthy', 'Healthy'], 'Healthy'],
  [['Healthy', 'Suspended'], 'Suspended'],
  [['Suspended', 'Progressing', 'Healthy'], 'Progressing'],
  [['Progressing', 'Missing'], 'Missing'],
  [['Missing', 'Degraded', 'Progressing'], 'Degraded'],
  [['Degraded', 'Unknown', 'Healthy'], 'Unknown'],
];

for (const [input, want] of cases) {
  test(`worstHealth([${input.join(', ')}]) is ${want}`, (t) => {
    t.is(worstHealth(input), want);
  });
}

test('worstHealth takes assessments too', (t) => {
  t.is(
    worstHealth([{ status: 'Healthy' }, { status: 'Degraded', message: 'x' }, { status: 'Progressing' }]),
    'Degraded',
  );
});

test('isWorse and compareHealth agree with the order', (t) => {
  t.true(isWorse('Healthy', 'Suspended'));
  t.false(isWorse('Degraded', 'Missing'));
  t.false(isWorse('Progressing', 'Progressing'));
  const shuffled: HealthCode[] = ['Unknown', 'Healthy', 'Degraded', 'Progressing', 'Missing', 'Suspended'];
  t.deepEqual([...shuffled].sort(compareHealth), HEALTH_ORDER);
});
