// The sync engine's speed, side by side with kubectl, against one embedded API server:
// - first sync of 1,000 ConfigMaps: Capstan in process (embedded driver), Capstan over
//   HTTPS (kube driver), and `kubectl apply --server-side` of the same objects (if kubectl
//   is installed), each into a fresh namespace;
// - a no-change resync of 1,000 and of 10,000 objects (plan, compare with live, nothing to
//   apply). Targets: no-change resync of 10,000 under 1 s; first sync 3× faster than kubectl.
//
// Usage: node --import tsx bench/sync/run.mjs [--objects=1000] [--large=10000]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { embeddedCluster, kubeCluster } from '../../src/cluster/index.ts';
import { startControlPlane } from '../../src/controlplane/index.ts';
import { stringifyYamlDocuments } from '../../src/core/index.ts';
import { syncApplication } from '../../src/sync/index.ts';

const arg = (name, dflt) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const N = arg('objects', 1000);
const LARGE = arg('large', 10000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-bench-sync-'));
const cp = await startControlPlane({ dataDir: dir, port: 0, token: 'bench', controllers: false });
const embedded = embeddedCluster(cp.api);
const kube = kubeCluster({ kubeconfig: cp.kubeconfigPath });
console.log(`sync engine, ${os.cpus().length} CPUs`);
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

const objects = (ns, n) => [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
  ...Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cm-${i}`, namespace: ns, labels: { app: 'bench', index: String(i) } },
    data: { key: `value-${i}`, other: 'x'.repeat(64) },
  })),
];

async function timed(fn) {
  const t0 = performance.now();
  const r = await fn();
  return { s: (performance.now() - t0) / 1000, r };
}

function kubectlApply(file) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'kubectl',
      ['--kubeconfig', cp.kubeconfigPath, 'apply', '--server-side', '-f', file],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(err))));
  });
}

const check = (r) => {
  if (r.result !== 'Succeeded') throw new Error(r.message);
  return r;
};
const rows = [];
const row = (what, s, note = '') => {
  rows.push({ what, s, note });
  console.log(`${what.padEnd(52)} ${s.toFixed(2).padStart(7)} s  ${note}`);
};

const first = await timed(async () =>
  check(await syncApplication('b1', objects('bench-1', N), { cluster: embedded, pollMs: 20 })),
);
row(`first sync, ${N} objects, Capstan in process`, first.s, `${first.r.applied.length} applied`);
const firstKube = await timed(async () =>
  check(await syncApplication('b2', objects('bench-2', N), { cluster: kube, pollMs: 20 })),
);
row(
  `first sync, ${N} objects, Capstan over HTTPS (kube driver)`,
  firstKube.s,
  `${firstKube.r.applied.length} applied`,
);
let kubectlS;
if (hasKubectl) {
  const file = path.join(dir, 'objects.yaml');
  fs.writeFileSync(file, stringifyYamlDocuments(objects('bench-3', N)));
  kubectlS = (await timed(() => kubectlApply(file))).s;
  row(`kubectl apply --server-side, ${N} objects`, kubectlS);
}
const again = await timed(async () =>
  check(await syncApplication('b1', objects('bench-1', N), { cluster: embedded, pollMs: 20 })),
);
row(`no-change resync, ${N} objects, in process`, again.s, `${again.r.unchanged} unchanged`);
const againKube = await timed(async () =>
  check(await syncApplication('b2', objects('bench-2', N), { cluster: kube, pollMs: 20 })),
);
row(`no-change resync, ${N} objects, over HTTPS`, againKube.s, `${againKube.r.unchanged} unchanged`);
const large = await timed(async () =>
  check(await syncApplication('b4', objects('bench-4', LARGE), { cluster: embedded, pollMs: 20 })),
);
row(`first sync, ${LARGE} objects, in process`, large.s);
const largeAgain = await timed(async () =>
  check(await syncApplication('b4', objects('bench-4', LARGE), { cluster: embedded, pollMs: 20 })),
);
row(
  `no-change resync, ${LARGE} objects, in process`,
  largeAgain.s,
  `${largeAgain.r.unchanged} unchanged; target < 1 s: ${largeAgain.s < 1 ? 'met' : 'missed'}`,
);
const largeKube = await timed(async () =>
  check(await syncApplication('b4', objects('bench-4', LARGE), { cluster: kube, pollMs: 20 })),
);
row(`no-change resync, ${LARGE} objects, over HTTPS`, largeKube.s, `${largeKube.r.unchanged} unchanged`);

if (kubectlS)
  console.log(
    `first sync vs kubectl apply --server-side: in process ${(kubectlS / first.s).toFixed(1)}× faster, over HTTPS ${(kubectlS / firstKube.s).toFixed(1)}× faster (target 3×)`,
  );
else console.log('kubectl not installed: no comparison');
await embedded.close();
await kube.close();
await cp.close();
fs.rmSync(dir, { recursive: true, force: true });
