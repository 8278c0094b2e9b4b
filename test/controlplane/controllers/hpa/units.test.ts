import test from 'ava';
import {
  formatMilli,
  milliValue,
  parseGoDurationMs,
  podMetricsInfo,
} from '../../../../src/controlplane/controllers/hpa/index.js';
import { NOW, usage } from './fixtures.js';

test('milli-values round up like Quantity.MilliValue()', (t) => {
  t.is(milliValue('250m'), 250);
  t.is(milliValue('1'), 1000);
  t.is(milliValue(2), 2000);
  t.is(milliValue('1234567n'), 2); // 1.234567m rounds up
  t.is(milliValue('1Ki'), 1_024_000);
  t.throws(() => milliValue('lots'));
});

test('milli-values print as canonical DecimalSI quantities', (t) => {
  const cases: Array<[number, string]> = [
    [0, '0'],
    [250, '250m'],
    [1500, '1500m'],
    [2000, '2'],
    [1, '1m'],
    [10, '10m'],
    [100_000, '100'],
    [1_500_000, '1500'],
    [1_500_000_000, '1500k'],
    [1_000_000_000, '1M'],
    [104_857_600_000, '104857600'],
    [-250, '-250m'],
  ];
  for (const [milli, text] of cases) t.is(formatMilli(milli), text, String(milli));
});

test('PodMetrics windows are Go durations', (t) => {
  t.is(parseGoDurationMs('30s'), 30_000);
  t.is(parseGoDurationMs('15.008s'), 15_008);
  t.is(parseGoDurationMs('1m30s'), 90_000);
  t.is(parseGoDurationMs('500ms'), 500);
  t.is(parseGoDurationMs('1h0m0s'), 3_600_000);
  t.is(parseGoDurationMs('0'), 0);
  t.is(parseGoDurationMs('0s'), 0);
  t.is(parseGoDurationMs(undefined), undefined);
  t.is(parseGoDurationMs('soon'), undefined);
});

test('a pod sample sums its containers; a container without the resource drops the pod', (t) => {
  const items = [
    usage('a', undefined, {
      containers: [
        { name: 'app', usage: { cpu: '200m', memory: '10Mi' } },
        { name: 'sidecar', usage: { cpu: '50m', memory: '2Mi' } },
      ],
    }),
    usage('b', undefined, { containers: [{ name: 'app', usage: { memory: '1Mi' } }] }),
    usage('c', undefined, { containers: [] }),
  ];
  const cpu = podMetricsInfo({ items }, 'cpu');
  t.deepEqual([...cpu.keys()], ['a']);
  t.like(cpu.get('a'), { value: 250, timestamp: NOW, windowMs: 30_000 });
  t.is(podMetricsInfo({ items }, 'memory').get('b')?.value, 1024 * 1024 * 1000);
  // one container only (ContainerResource)
  t.is(podMetricsInfo({ items: [items[0]] }, 'cpu', 'sidecar').get('a')?.value, 50);
});

test('metrics source failures read as upstream reports them', (t) => {
  t.throws(() => podMetricsInfo({ error: 'boom' }, 'cpu'), {
    message: 'unable to fetch metrics from resource metrics API: boom',
  });
  t.throws(() => podMetricsInfo({ items: [] }, 'cpu'), {
    message: 'no metrics returned from resource metrics API',
  });
  t.throws(() => podMetricsInfo({ items: [usage('a', '1')] }, 'cpu', 'sidecar'), {
    message: 'failed to get container metrics: container sidecar not present in metrics for pod default/a',
  });
  t.throws(() => podMetricsInfo({ items: [usage('a', 'lots')] }, 'cpu'), {
    message: /^unable to fetch metrics from resource metrics API: quantity "lots"/,
  });
});
