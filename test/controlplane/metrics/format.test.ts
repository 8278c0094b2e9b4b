import test from 'ava';
import { formatDecimalQuantity } from '../../../src/core/index.js';
import { cpuQuantity, goDuration, memoryQuantity } from '../../../src/controlplane/metrics/format.js';

// expected texts are what apimachinery's Quantity.String() and Go's Duration.String() print
const cpu: [number, string][] = [
  [0, '0'],
  [1, '1n'],
  [1234567, '1234567n'],
  [1500000, '1500u'],
  [1000000, '1m'],
  [250000000, '250m'],
  [1000000000, '1'],
  [1500000000, '1500m'],
  [2000000000, '2'],
  [2000000000000, '2k'],
  [10, '10n'],
  [12345.4, '12345n'],
];
for (const [n, text] of cpu) {
  test(`cpu ${n} nano-cores prints as ${text}`, (t) => t.is(cpuQuantity(n), text));
}

const memory: [number, string][] = [
  [0, '0'],
  [500, '500'],
  [1000, '1k'],
  [1023, '1023'],
  [1024, '1Ki'],
  [12345, '12345'],
  [12641280, '12345Ki'],
  [67108864, '64Mi'],
  [100000000, '100000000'],
  [3 * 1024 ** 3, '3Gi'],
  [1536 * 1024, '1536Ki'],
];
for (const [n, text] of memory) {
  test(`memory ${n} bytes prints as ${text}`, (t) => t.is(memoryQuantity(n), text));
}

test('decimal quantities keep exponents in steps of three', (t) => {
  t.is(formatDecimalQuantity(15n, 2), '1500');
  t.is(formatDecimalQuantity(1n, 1), '10');
  t.is(formatDecimalQuantity(-25n, -2), '-250m');
  t.is(formatDecimalQuantity(1n, 21), '1e21');
});

const durations: [number, string][] = [
  [0, '0s'],
  [0.000001, '1ns'],
  [0.0015, '1.5µs'],
  [20, '20ms'],
  [1.5, '1.5ms'],
  [1000, '1s'],
  [1500, '1.5s'],
  [15035, '15.035s'],
  [60000, '1m0s'],
  [65000, '1m5s'],
  [3600000, '1h0m0s'],
  [3723500, '1h2m3.5s'],
];
for (const [ms, text] of durations) {
  test(`${ms} ms prints as ${text}`, (t) => t.is(goDuration(ms), text));
}
