// Label-selector lists on the embedded control plane: what every application's sync does
// (list a kind cluster-wide with `capstan.dev/app=<name>`) at N applications. Prints ms
// per list for each selector shape, next to a list of the whole kind, and the ratio.
// A script that prints figures, never a test.
//
// Usage: node --import tsx bench/controlplane/label-lists.mjs [--objects=4000] [--apps=1000]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const { startControlPlane } = await import('../../src/controlplane/index.ts');
const { embeddedCluster } = await import('../../src/cluster/embedded.ts');

const arg = (name, dflt) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const OBJECTS = arg('objects', 4000);
const APPS = arg('apps', 1000);
const NAMESPACES = 20;
const APP = 'capstan.dev/app';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-labels-'));
const cp = await startControlPlane({ dataDir, port: 0, token: 'bench', controllers: false });
const CM = { group: '', version: 'v1', resource: 'configmaps' };
const NS = { group: '', version: 'v1', resource: 'namespaces' };
const nsOf = (app) => `ns${app % NAMESPACES}`;
const results = [];
let whole;
let existence;

/** Runs `fn(app)` once per application; returns ms per call. */
async function perApp(fn) {
  const t0 = performance.now();
  for (let app = 0; app < APPS; app++) await fn(app);
  return (performance.now() - t0) / APPS;
}

try {
  for (let n = 0; n < NAMESPACES; n++) await cp.api.create(NS, undefined, { metadata: { name: `ns${n}` } });
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < OBJECTS) {
        const i = next++;
        const app = i % APPS;
        await cp.api.create(CM, nsOf(app), {
          metadata: {
            name: `cm${i}`,
            labels: { [APP]: `app-${app}`, tier: i % 2 ? 'web' : 'db' },
          },
          data: { i: String(i) },
        });
      }
    }),
  );

  const check = (list, app, expected) => {
    if (list.items.length !== expected)
      throw new Error(`app-${app}: listed ${list.items.length}, expected ${expected}`);
  };
  const perAppObjects = (app) => Math.floor(OBJECTS / APPS) + (app < OBJECTS % APPS ? 1 : 0);

  // Each shape runs twice: with `k=v` (answered from the label index) and with
  // `k in (v,no-such-app)`, which selects the same objects but cannot use the index, i.e.
  // a scan of the whole kind, as every label-selector list did before the index.
  const indexed = (app) => `${APP}=app-${app}`;
  const scanned = (app) => `${APP} in (app-${app},no-such-app)`;
  const cluster = embeddedCluster(cp.api);
  const shapes = [
    [
      'list, cluster-wide',
      (sel, app) => check(cp.api.list(CM, undefined, { labelSelector: sel }), app, perAppObjects(app)),
    ],
    [
      "list, the app's namespace",
      (sel, app) => check(cp.api.list(CM, nsOf(app), { labelSelector: sel }), app, perAppObjects(app)),
    ],
    [
      'list, `<sel>,tier!=db` + field selector',
      (sel) =>
        cp.api.list(CM, undefined, { labelSelector: `${sel},tier!=db`, fieldSelector: 'metadata.name!=x' }),
    ],
    [
      'list, pages of 1 (all pages)',
      (sel, app) => {
        let cont;
        let n = 0;
        do {
          const page = cp.api.list(CM, undefined, { labelSelector: sel, limit: 1, continue: cont });
          n += page.items.length;
          cont = page.metadata.continue;
        } while (cont);
        if (n !== perAppObjects(app)) throw new Error(`paged app-${app}: ${n}`);
      },
    ],
    [
      'driver list (src/cluster/embedded.ts)',
      (sel) => cluster.list('v1', 'ConfigMap', { labelSelector: sel }),
    ],
    [
      'watch: initial events',
      (sel, app) =>
        new Promise((resolve) => {
          let seen = 0;
          const w = cp.api.watch(CM, undefined, { labelSelector: sel }, () => {
            if (++seen === perAppObjects(app)) {
              w.stop();
              resolve();
            }
          });
        }),
    ],
  ];
  for (const [what, run] of shapes) {
    const scan = await perApp((app) => run(scanned(app), app));
    const index = await perApp((app) => run(indexed(app), app));
    results.push([what, index, scan]);
  }
  whole = await perApp(() => cp.api.list(CM, undefined, {}));
  existence = await perApp(() => cp.api.list(CM, undefined, { labelSelector: APP }));
  await cluster.close();
} finally {
  await cp.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

console.log(
  `${OBJECTS} ConfigMaps in ${NAMESPACES} namespaces, ${APPS} distinct ${APP} values; ms per call, mean of ${APPS}\n`,
);
const width = Math.max(...results.map(([what]) => what.length));
const cell = (v, w = 10) => String(v).padStart(w);
console.log(
  `${'selector k=v'.padEnd(width)}  ${cell('index ms')}  ${cell('scan ms')}  ${cell('scan/index')}`,
);
for (const [what, index, scan] of results) {
  console.log(
    `${what.padEnd(width)}  ${cell(index.toFixed(4))}  ${cell(scan.toFixed(4))}  ${cell(`${(scan / index).toFixed(1)}x`)}`,
  );
}
console.log(
  `\nfor reference: list of the whole kind ${whole.toFixed(4)} ms, \`${APP}\` (existence) ${existence.toFixed(4)} ms`,
);
