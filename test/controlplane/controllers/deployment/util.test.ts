import test from 'ava';
import {
  resolveFenceposts,
  maxSurge,
  maxUnavailable,
  fnv32a,
  safeEncodeString,
  podTemplateHash,
  equalIgnoreHash,
} from '../../../../src/controlplane/controllers/deployment/index.js';
import { deployment, template } from './fixtures.js';

test('resolveFenceposts: surge rounds up, unavailable rounds down, both 0 → unavailable 1', (t) => {
  const cases: [string | number, string | number, number, number, number][] = [
    ['25%', '25%', 10, 3, 2],
    [3, 2, 10, 3, 2],
    ['0%', '1%', 2, 0, 1], // 0.02 → 0, both zero → 1
    ['1%', '25%', 1, 1, 0],
    [0, '0%', 5, 0, 1],
    ['50%', '50%', 3, 2, 1],
  ];
  for (const [s, u, n, surge, unavailable] of cases)
    t.deepEqual(resolveFenceposts(s, u, n), { surge, unavailable }, `${s}/${u} of ${n}`);
  t.throws(() => resolveFenceposts('3', 1, 10), { message: /not an integer or percentage/ });
});

test('maxUnavailable is capped by replicas and 0 for Recreate or zero replicas', (t) => {
  t.is(
    maxUnavailable(
      deployment({ replicas: 2, strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 5 } } }),
    ),
    2,
  );
  t.is(maxUnavailable(deployment({ replicas: 0 })), 0);
  t.is(maxUnavailable(deployment({ strategy: { type: 'Recreate' } })), 0);
  t.is(maxSurge(deployment({ strategy: { type: 'Recreate' } })), 0);
  // unset fields take the API server defaults, 25%/25%
  t.is(maxSurge(deployment({ strategy: {} })), 3);
});

test('FNV-32a and SafeEncodeString match their Go counterparts', (t) => {
  t.is(fnv32a(Buffer.from('')), 0x811c9dc5);
  t.is(fnv32a(Buffer.from('a')), 0xe40c292c);
  t.is(fnv32a(Buffer.from('foobar')), 0xbf9cf968);
  t.is(safeEncodeString('3812749921'), '7d56c8ff65');
  t.is(safeEncodeString('0123456789'), '456789bcdf');
});

test('podTemplateHash is stable, order-insensitive and sensitive to collisionCount', (t) => {
  const a = podTemplateHash({ metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [] } });
  const b = podTemplateHash({
    spec: { containers: [] },
    metadata: { labels: { tier: 'fe', app: 'web' }, annotations: {} },
  });
  t.is(a, b);
  t.regex(a, /^[4-9bcdf]{1,10}$/);
  const c0 = podTemplateHash(template() as never, 0);
  const c1 = podTemplateHash(template() as never, 1);
  const none = podTemplateHash(template() as never);
  t.not(c0, none);
  t.not(c0, c1);
  t.not(podTemplateHash(template('nginx:2') as never), none);
});

test('equalIgnoreHash ignores pod-template-hash and empty vs absent fields', (t) => {
  const withHash = template();
  withHash.metadata!.labels!['pod-template-hash'] = 'abc';
  t.true(equalIgnoreHash(withHash, { ...template(), metadata: { labels: { app: 'web' }, annotations: {} } }));
  t.false(equalIgnoreHash(template('a'), template('b')));
});
