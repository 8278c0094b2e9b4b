import test from 'ava';
import { redactSecretValues, secretValuesOf, type KubeObject } from '../../src/core/index.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const secret = (data: Record<string, string>, stringData?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's' },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  ...(stringData ? { stringData } : {}),
});

test('a whole value is masked in base64, clear and JSON-escaped forms, with one mask per value', (t) => {
  const values = secretValuesOf([secret({ password: 'hunter2-correct "horse"' })]);
  const text =
    `was ${b64('hunter2-correct "horse"')} / hunter2-correct "horse" / ` +
    `${JSON.stringify('hunter2-correct "horse"')}`;
  t.is(redactSecretValues(text, values), 'was ++++++++ / ++++++++ / "++++++++"');
});

test('the first 8 characters of a value are masked, as a parser quotes them', (t) => {
  const values = secretValuesOf([secret({ '.dockerconfigjson': 'hunter3-not-json at all' })]);
  t.is(
    redactSecretValues(`Unexpected token 'h', "hunter3-no"... is not valid JSON`, values),
    `Unexpected token 'h', "++++++++"... is not valid JSON`,
  );
});

test('a short run inside a value is left, a long one masked', (t) => {
  const config = 'apiVersion: v1\nkind: Config\ncurrent-context: prod-cluster-admin-context\n';
  const values = secretValuesOf([secret({ kubeconfig: config })]);
  t.is(redactSecretValues('kind Config in namespace x', values), 'kind Config in namespace x');
  t.is(redactSecretValues('context=prod-cluster-admin-context missing', values), 'context=++++++++ missing');
});

test('distinct values get distinct masks; stringData counts; other kinds and short values are ignored', (t) => {
  const values = secretValuesOf([
    secret({ a: 'first-value-0001', b: 'second-value-002' }, { c: 'third-value-0003' }),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { d: 'not-a-secret-value' } },
    secret({ e: 'short' }),
  ]);
  t.is(
    redactSecretValues('first-value-0001 second-value-002 third-value-0003 not-a-secret-value short', values),
    '++++++++ ++++++++ ++++++++ not-a-secret-value short',
  );
  t.is(values.length, 4);
});

test('text without values is returned as it is', (t) => {
  const text = 'Deployment default/web: 3 applied';
  t.is(redactSecretValues(text, []), text);
  t.is(redactSecretValues(text, secretValuesOf([secret({ x: 'unrelated-value-123' })])), text);
});
