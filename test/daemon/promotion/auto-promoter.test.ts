import test from 'ava';
import { CapstanError, type Application, type Promotion } from '../../../src/core/index.js';
import { AutoPromoter } from '../../../src/daemon/promotion/auto-promoter.js';
import type { PromoteRequest, PromotionOutcome } from '../../../src/daemon/promotion/promoter.js';

const REV = 'a'.repeat(40);
const promotion: Promotion = {
  apiVersion: 'capstan.dev/v1alpha1',
  kind: 'Promotion',
  metadata: { name: 'shop' },
  spec: {
    stages: [
      { name: 'staging', application: 'shop-staging', soakTime: '10m' },
      { name: 'prod', application: 'shop-prod', autoPromote: true },
    ],
  },
};
const healthy = (readySince: string): Application => ({
  apiVersion: 'capstan.dev/v1alpha1',
  kind: 'Application',
  metadata: { name: 'shop-staging' },
  spec: { source: { repoURL: 'http://git/shop.git' } },
  status: {
    sync: { status: 'Synced', revision: REV },
    health: { status: 'Healthy' },
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Succeeded', message: '', lastTransitionTime: readySince },
    ],
  },
});

function setup(answer: () => PromotionOutcome) {
  let now = Date.parse('2026-12-05T10:00:00Z');
  const calls: PromoteRequest[] = [];
  const reports: Array<string | undefined> = [];
  const auto = new AutoPromoter({
    promotions: () => [promotion],
    application: (name) => (name === 'shop-staging' ? healthy('2026-12-05T09:55:00Z') : undefined),
    promote: async (_name, request) => {
      calls.push(request);
      return answer();
    },
    report: async (_p, target, problem) => void reports.push(problem && `${target}: ${problem}`),
    log: () => undefined,
    now: () => new Date(now),
    retryMs: 60_000,
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { auto, calls, reports, settle, advance: (ms: number) => (now += ms) };
}

test('waits out the soak time, promotes once per commit, and reports nothing when it goes through', async (t) => {
  const outcome = { changes: ['image web: 1 → 2'] } as PromotionOutcome;
  const { auto, calls, reports, settle, advance } = setup(() => outcome);
  t.teardown(() => auto.stop());
  auto.evaluate();
  await settle();
  t.deepEqual(calls, [], 'Healthy for 5 of its 10 minutes');
  advance(5 * 60_000);
  auto.evaluate();
  await settle();
  t.deepEqual(calls, [{ from: 'staging', to: 'prod', auto: true }]);
  auto.evaluate();
  await settle();
  t.is(calls.length, 1, 'the same commit is not promoted twice');
  t.deepEqual(reports, []);
});

test('a refusal is reported once and not tried again before the retry time, whatever changes', async (t) => {
  let refuse = true;
  const { auto, calls, reports, settle, advance } = setup(() => {
    if (refuse) throw new CapstanError('PROMOTION_WINDOW_CLOSED', 'prod takes no promotion now');
    return { changes: [] } as unknown as PromotionOutcome;
  });
  t.teardown(() => auto.stop());
  advance(10 * 60_000);
  auto.evaluate();
  await settle();
  for (let i = 0; i < 5; i++) auto.evaluate();
  await settle();
  t.is(calls.length, 1);
  t.deepEqual(reports, ['prod: prod takes no promotion now']);
  advance(61_000);
  refuse = false;
  auto.evaluate();
  await settle();
  t.is(calls.length, 2);
  t.deepEqual(reports, ['prod: prod takes no promotion now', undefined]);
});
