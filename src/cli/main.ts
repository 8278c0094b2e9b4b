#!/usr/bin/env node
/**
 * The `capstan` command. Errors reach the user here and only here: a CapstanError prints
 * its message and code, anything else is an internal error (stack with CAPSTAN_DEBUG=1).
 */
import { isCapstanError } from '../core/index.js';
import { runRender } from './render-command.js';

const USAGE = `Usage: capstan <command> [options]

Commands:
  render DIR    print the objects DIR renders to (kustomize build, or plain manifests)
                  --recursive        plain directories: include sub-directories
                  --repo-root DIR    never read outside DIR (default: the enclosing Git
                                     working tree, if any)
                  -o, --output FMT   yaml (default) or json
  help          show this text
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'render':
        return runRender(rest, process.stdout);
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
