// What the daemon's Secret redaction costs per message (src/core/secret-text.ts): a sync's
// message is scanned against every Secret value of the rendered set. Prints figures only.
//
// Usage: node --import=tsx bench/hostile/secret-redaction.mjs
import { randomBytes } from 'node:crypto';
import { redactSecretValues, secretValuesOf } from '../../src/core/index.js';

const message =
  'the server refused 1 object(s), nothing was applied: Secret default/large: Secret "large" is ' +
  'invalid: data: Too long: may not be more than 1048576 bytes';

function secretOf(bytes) {
  const data = { blob: bytes.toString('base64') };
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data };
}

const cases = [
  ['20 Secrets of 64 B', Array.from({ length: 20 }, () => secretOf(randomBytes(64)))],
  ['1 Secret of 64 KiB', [secretOf(randomBytes(64 * 1024))]],
  ['1 Secret of 1 MiB (random)', [secretOf(randomBytes(1024 * 1024))]],
  ['1 Secret of 1 MiB (one repeated byte)', [secretOf(Buffer.alloc(1024 * 1024, 'x'))]],
];

for (const [name, objects] of cases) {
  const values = secretValuesOf(objects);
  redactSecretValues(message, values); // warm up
  const runs = 50;
  const start = performance.now();
  for (let i = 0; i < runs; i++) redactSecretValues(message, values);
  const ms = (performance.now() - start) / runs;
  console.log(`${name.padEnd(40)} ${ms.toFixed(2).padStart(8)} ms per ${message.length}-character message`);
}
