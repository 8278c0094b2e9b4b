#!/usr/bin/env node
/**
 * The `capstan` command. Errors reach the user here and only here: a CapstanError prints
 * its message and code, anything else is an internal error (stack with CAPSTAN_DEBUG=1).
 *
 * Each command imports what it uses when it runs: importing the whole program first made
 * `capstan help` take over a second and 150 MB (issue 11).
 */
import { isCapstanError } from '../core/errors.js';

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
  kubeconfig    print the kubeconfig 'serve' wrote (--data-dir DIR)
  help          show this text
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'render':
        return (await import('./render-command.js')).runRender(rest, process.stdout);
      case 'serve':
        return await (await import('./serve-command.js')).runServe(rest, process.stderr);
      case 'kubeconfig':
        return (await import('./serve-command.js')).runKubeconfig(rest, process.stdout);
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
      return e.code === 'CLI_USAGE' ? 2 : 1;
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
