// Enforces the layering of ../shared/ARCHITECTURE.md: each folder under src/ may import
// only the folders listed for it there. A wrong arrow fails `npm test`.
const layers = {
  core: [],
  runtime: ['core'],
  merge: ['core'],
  render: ['core', 'merge'],
  git: ['core'],
  // Git hosting providers' REST APIs: commit statuses, pull requests, comments (issue 12)
  providers: ['core'],
  diff: ['core', 'merge'],
  controlplane: ['core', 'runtime', 'merge'],
  cluster: ['core', 'controlplane'],
  sync: ['core', 'runtime', 'diff', 'cluster'],
  daemon: [
    'core',
    'runtime',
    'merge',
    'render',
    'git',
    'providers',
    'diff',
    'controlplane',
    'cluster',
    'sync',
  ],
  server: ['core', 'daemon'],
  // start-up wiring above the layers: control plane, daemon, server
  boot: ['core', 'controlplane', 'daemon', 'server'],
  // cli → boot and daemon: `capstan serve` is the process that runs the daemon
  cli: ['core', 'server', 'boot', 'daemon', 'render', 'diff', 'merge'],
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

// The CLI talks to the daemon through the server's typed client only (issue 11): nothing
// but `capstan serve`, the process that runs the daemon, may import src/daemon/ — directly
// or through other modules, types included (so the client declares its wire types itself).
// main.ts reaches it only by the dynamic import of serve-command.ts, for `capstan serve`.
forbidden.push({
  name: 'cli-not-daemon',
  comment: 'src/cli reaches the daemon through src/server/client.ts only (serve-command.ts runs it)',
  severity: 'error',
  from: { path: '^src/cli/', pathNot: '^src/cli/serve-command\\.ts$' },
  to: { path: '^src/daemon/' },
});
forbidden.push({
  name: 'cli-commands-not-daemon',
  comment: 'a CLI command other than serve must not load src/daemon/, even through other modules',
  severity: 'error',
  from: { path: '^src/cli/', pathNot: '^src/cli/(serve-command|main)\\.ts$' },
  to: { path: '^src/daemon/', reachable: true },
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
