import test from 'ava';
import { CapstanError, type KubeObject } from '../../src/core/index.js';
import { Redactor } from '../../src/daemon/redaction.js';

const value = 'daemon-secret-value-0042';
const rendered: KubeObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { token: Buffer.from(value).toString('base64') },
  },
];

test('text: Secret values of the rendered set and URL user info removed', (t) => {
  const redactor = new Redactor(rendered);
  t.is(
    redactor.text(`fetching https://bot:tok3n@git.example/r.git failed; token is ${value}`),
    'fetching https://git.example/r.git failed; token is ++++++++',
  );
  t.is(redactor.text(undefined), undefined);
});

test('error: message and stack redacted in place, the same object (code kept) thrown on', (t) => {
  const e = new CapstanError('SYNC_APPLY_FAILED', `apply said: ${Buffer.from(value).toString('base64')}`);
  const out = new Redactor(rendered).error(e);
  t.is(out, e);
  t.is(e.code, 'SYNC_APPLY_FAILED');
  t.is(e.message, 'apply said: ++++++++');
  t.false(e.stack!.includes(value) || e.stack!.includes(Buffer.from(value).toString('base64')));
});
