import test from 'ava';
import type { KubeObject } from '../../src/core/index.js';
import { renderedDiff } from '../../src/diff/index.js';

const deployment = (image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image }] } } },
});
const secret = (password: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'shop' },
  data: { password: Buffer.from(password).toString('base64') },
});
const configMap = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop' },
  data: { a: '1' },
});

test('only objects that differ, each as a unified diff of its YAML', (t) => {
  const out = renderedDiff(
    [deployment('shop:1.4.0'), configMap('same'), configMap('old')],
    [deployment('shop:1.5.0'), configMap('same'), configMap('new')],
  );
  t.deepEqual(
    out.map((d) => [d.object, d.change]),
    [
      ['apps/v1 Deployment shop/web', 'changed'],
      ['v1 ConfigMap shop/new', 'added'],
      ['v1 ConfigMap shop/old', 'removed'],
    ],
  );
  t.true(out[0].diff.startsWith('--- before\n+++ after\n@@'));
  t.regex(out[0].diff, /^-.*image: shop:1\.4\.0$/m);
  t.regex(out[0].diff, /^\+.*image: shop:1\.5\.0$/m);
  t.notRegex(out[0].diff, /^[-+].*replicas/m, 'unchanged lines are context only');
});

test('equal renders differ in nothing', (t) => {
  t.deepEqual(renderedDiff([deployment('a'), secret('x')], [deployment('a'), secret('x')]), []);
});

test('Secret values are masked: a change shows, the values do not', (t) => {
  const [d] = renderedDiff([secret('hunter2')], [secret('correct horse')]);
  t.is(d.change, 'changed');
  t.false(d.diff.includes(Buffer.from('hunter2').toString('base64')));
  t.false(d.diff.includes(Buffer.from('correct horse').toString('base64')));
  t.regex(d.diff, /^-\s+password: \+{8}$/m);
  t.regex(d.diff, /^\+\s+password: \+{9}$/m);
});
