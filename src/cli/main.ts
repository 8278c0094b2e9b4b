#!/usr/bin/env node
/**
 * The `capstan` command. Errors reach the user here and only here: a CapstanError prints
 * its message and code, anything else is an internal error (stack with CAPSTAN_DEBUG=1).
 *
 * Each command imports what it uses when it runs: importing the whole program first made
 * `capstan help` take over a second and 150 MB (issue 11).
 */
import { isCapstanError, type CapstanError } from '../core/errors.js';

const USAGE = `Usage: capstan <command> [options]

Commands:
  render DIR    print the objects DIR renders to (kustomize build, or plain manifests)
                  --recursive        plain directories: include sub-directories
                  --repo-root DIR    never read outside DIR (default: the enclosing Git
                                     working tree, if any)
                  -o, --output FMT   yaml (default) or json
                  --max-objects N, --max-bytes N, --max-kustomizations N
                                     render limits (default 20000 objects, 64 MiB of
                                     objects, 5000 kustomizations built; a base counts
                                     again each time it is included)
  serve         run the daemon with its embedded control plane
                  --config FILE      a CapstanConfig file: nodes, image commands,
                                     applications, webhooks, queue, and defaults for
                                     the flags below (or $CAPSTAN_CONFIG)
                  --data-dir DIR     state (default: $CAPSTAN_DATA_DIR or ~/.capstan)
                  --host ADDR        listen address (default 127.0.0.1)
                  --port N           Kubernetes API port (default 6443; 0: a free one)
                  --token T          bearer token (default: generated once, kept in DIR)
                  --runtime R        process (default: containers run as child processes)
                                     or simulated (no processes, for trials and scale);
                                     for nodes the config does not give a runtime
                  --ingress-port N   host port Ingresses answer on (default 0: a free one)
                  --api-host ADDR    the daemon's API and webhooks (default 127.0.0.1)
                  --api-port N       (default 7070; 0 picks a free one)
                  --control-plane-only   run only the control plane
                  --log-level L      debug, info (default), warn or error (or
                                     $CAPSTAN_LOG_LEVEL); JSON lines unless on a terminal
  kubeconfig    print the kubeconfig 'serve' wrote (--data-dir DIR)
  help          show this text

Applications (over the daemon's API):
  app list                        NAME PROJECT DESTINATION SYNC HEALTH REVISION AGE
  app get NAME                    source, destination, sync, health, operation,
                                  conditions, and the objects with their drift
  app create -f FILE              add the Application(s) of FILE (- for stdin)
  app delete NAME [--cascade=false]   stop it; by default also delete what it deployed
  app set NAME [--repo URL] [--revision R] [--path P] [--project P]
               [--dest-cluster C] [--dest-namespace NS] [--auto-sync true|false]
               [--prune true|false] [--self-heal true|false]
               [--auto-rollback true|false] [--health-timeout D]
  app sync NAME [--revision R]    sync the newest commit, or exactly commit R (pinned
                                  until a plain sync)
                  --prune         delete what Git no longer has, for this sync
                  --wait          print progress until Healthy and Synced (exit 0) or
                                  failed/Degraded (exit 1)
                  --timeout D     how long --wait waits (default 5m; 30s, 1m30s, …)
                  --dry-run       print what the sync would change, change nothing
  app diff NAME [--color auto|always|never]   what a sync would change (exit 1 if anything)
  app rollback NAME [REV]         re-apply REV, or the previous healthy revision
  app history NAME                the revisions deployed, newest last
  app wait NAME [--health] [--sync] [--timeout D]   until Healthy and/or Synced (both
                                  by default); Degraded exits 1
  app logs NAME [--tail N]        the last lines of the application's pods
  project list | project get NAME
  cluster list
  cluster add NAME --server URL --token T [--ca-file F] [--insecure]
  cluster add NAME --kubeconfig F [--context C]
                                  (the daemon from $CAPSTAN_SERVER or the login file,
                                  or --capstan-server/--capstan-token)
  repo list                       URL TYPE USERNAME AUTH STATUS of the Git credentials
                                  registered (never a password or token)
  repo add URL --username U --password-stdin
  repo add URL [--username U] --token-stdin
  repo add URL --bearer-token-stdin
                                  credentials for the repository URL, read from
                                  standard input; --template: for every repository
                                  under URL (the longest registered prefix wins)
  repo remove URL                 delete the credentials registered for URL
  promote NAME --from STAGE --to STAGE [--dry-run] [--direct]
                                  edit the target stage's kustomization to run what
                                  the source stage runs (images; replicas and
                                  ConfigMap literals when the Promotion says), show
                                  the rendered diff, push a branch and open a pull
                                  request (--direct: commit on the target's branch)
  promotion list | promotion get NAME
  login --server URL --token T    check the token and keep both in
                                  $XDG_CONFIG_HOME/capstan/config.yaml (mode 0600;
                                  default ~/.config/capstan/config.yaml)

  Every API command takes --server URL and --token T (else $CAPSTAN_SERVER and
  $CAPSTAN_TOKEN, else the login file; default server http://127.0.0.1:7070) and
  -o json|yaml|wide.

Exit codes:
  0  success
  1  failed: a sync failed or rolled back, Degraded, a timeout, a difference (app
     diff), or an error the daemon reported (not found, invalid)
  2  usage: unknown command, flag or argument
  3  cannot reach the daemon
  4  unauthorized: the daemon refused the token
`;

/** The exit code of an error (documented in USAGE): the client's errors say their kind in `data`. */
function exitCodeOf(e: CapstanError): number {
  if (e.code === 'CLI_USAGE') return 2;
  if (e.data.kind === 'unreachable') return 3;
  if (e.data.kind === 'unauthorized') return 4;
  return 1;
}

/**
 * The render command as the build bundled it (scripts/bundle-render.mjs): one file loads
 * in about half the time of the sixty modules it holds. Run from the sources (tsx) there
 * is no bundle, and the modules load one by one.
 */
async function renderCommand(): Promise<typeof import('./render-command.js')> {
  try {
    return (await import(
      new URL('./render-command.bundle.js', import.meta.url).href
    )) as typeof import('./render-command.js');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    return import('./render-command.js');
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'render': {
        const code = (await renderCommand()).runRender(rest, process.stdout);
        // nothing runs after a render: end once stdout has taken the output instead of
        // waiting for the teardown of a heap of thousands of objects (~40 ms)
        process.stdout.write('', () => process.exit(code));
        return code;
      }
      case 'serve':
        return await (await import('./serve-command.js')).runServe(rest, process.stderr);
      case 'kubeconfig':
        return (await import('./serve-command.js')).runKubeconfig(rest, process.stdout);
      case 'app':
        return await (
          await import('./app-command.js')
        ).runApp(rest, { out: process.stdout, err: process.stderr });
      case 'project':
        return await (await import('./project-command.js')).runProject(rest, process.stdout);
      case 'cluster':
        return await (await import('./cluster-command.js')).runCluster(rest, process.stdout);
      case 'repo':
        return await (
          await import('./repo-command.js')
        ).runRepo(rest, { out: process.stdout, stdin: process.stdin });
      case 'promote':
        return await (await import('./promote-command.js')).runPromote(rest, process.stdout);
      case 'promotion':
        return await (await import('./promote-command.js')).runPromotion(rest, process.stdout);
      case 'login':
        return await (await import('./login-command.js')).runLogin(rest, process.stdout);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`capstan: unknown command '${command}'\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (isCapstanError(e)) {
      process.stderr.write(`error: ${e.message} [${e.code}]\n`);
      return exitCodeOf(e);
    }
    const err = e as Error;
    process.stderr.write(`internal error: ${err?.message ?? String(e)}\n`);
    if (process.env.CAPSTAN_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    return 70;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 70;
  },
);
