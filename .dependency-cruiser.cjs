// Enforces the layering of ../shared/ARCHITECTURE.md: each folder under src/ may import
// only the folders listed for it there. A wrong arrow fails `npm test`.
const layers = {
  core: [],
  runtime: ['core'],
  merge: ['core'],
  render: ['core', 'merge'],
  git: ['core'],
  diff: ['core', 'merge'],
  controlplane: ['core', 'runtime', 'merge'],
  cluster: ['core', 'controlplane'],
  sync: ['core', 'runtime', 'diff', 'cluster'],
  daemon: ['core', 'runtime', 'merge', 'render', 'git', 'diff', 'controlplane', 'cluster', 'sync'],
  server: ['core', 'daemon'],
  // cli → daemon: `capstan serve` is the process that runs the daemon
  cli: ['core', 'server', 'daemon', 'render', 'diff', 'merge'],
};

const forbidden = Object.entries(layers).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `src/${layer} may import only: ${allowed.join(', ') || 'libraries'}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: {
    path: '^src/([^/]+)/',
    pathNot: [`^src/${layer}/`, ...allowed.map((a) => `^src/${a}/`)],
  },
}));

// sync/ reaches clusters through the interface only, never a driver (ARCHITECTURE.md)
forbidden.push({
  name: 'sync-cluster-interface-only',
  comment: 'src/sync may import src/cluster/types.ts only',
  severity: 'error',
  from: { path: '^src/sync/' },
  to: { path: '^src/cluster/', pathNot: '^src/cluster/types\\.ts$' },
});

forbidden.push({
  name: 'no-circular',
  severity: 'error',
  from: {},
  to: { circular: true },
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
