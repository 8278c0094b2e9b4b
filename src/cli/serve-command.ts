/** `capstan serve` and `capstan kubeconfig`: run the daemon; print its kubeconfig. */
import fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CapstanError, loadConfigFile, type CapstanConfig } from '../core/index.js';
import { defaultDataDir, kubeconfigPathFor, startDaemon, type DaemonOptions } from '../daemon/index.js';
import { startServer, type Server } from '../server/index.js';

function parse<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  command: string,
  options: O,
) {
  try {
    return parseArgs({ args, options, allowPositionals: false as const });
  } catch (e) {
    throw new CapstanError('CLI_USAGE', `${command}: ${(e as Error).message}`);
  }
}

const SERVE_OPTIONS = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  token: { type: 'string' },
  'control-plane-only': { type: 'boolean', default: false },
  runtime: { type: 'string' },
  'ingress-port': { type: 'string' },
  'api-host': { type: 'string' },
  'api-port': { type: 'string' },
} as const;

function portFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CapstanError('CLI_USAGE', `serve: --${flag} must be a port number, got '${value}'`);
  }
  return port;
}

/**
 * The daemon's options from `serve`'s flags, the environment and the configuration file
 * (`--config`, else `$CAPSTAN_CONFIG`), in that order of precedence: a flag wins over
 * the file, the file over the built-in default.
 */
export function serveOptions(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { options: DaemonOptions; server: { host: string; port: number }; config?: CapstanConfig } {
  const { values } = parse(args, 'serve', SERVE_OPTIONS);
  const runtime = values.runtime;
  if (runtime !== undefined && runtime !== 'process' && runtime !== 'simulated') {
    throw new CapstanError('CLI_USAGE', `serve: --runtime must be process or simulated, got '${runtime}'`);
  }
  const port = portFlag('port', values.port);
  const ingressPort = portFlag('ingress-port', values['ingress-port']);
  const file = values.config ?? (env.CAPSTAN_CONFIG || undefined);
  const config = file === undefined ? undefined : loadConfigFile(file);
  const cp = config?.controlPlane;
  const options: DaemonOptions = {
    dataDir: values['data-dir'] ?? (env.CAPSTAN_DATA_DIR || config?.dataDir),
    host: values.host ?? cp?.host ?? '127.0.0.1',
    port: port ?? cp?.port ?? 6443,
    token: values.token ?? env.CAPSTAN_TOKEN,
    controlPlaneOnly: values['control-plane-only'],
    runtime: runtime ?? cp?.runtime ?? 'process',
    ingressPort: ingressPort ?? cp?.ingressPort ?? 0,
    nodes: cp?.nodes,
    imageCommands: cp?.imageCommands,
    // --control-plane-only: no applications, no API server
    config: values['control-plane-only'] ? undefined : config?.daemon,
  };
  const server = {
    host: values['api-host'] ?? config?.daemon.server.host ?? '127.0.0.1',
    port: portFlag('api-port', values['api-port']) ?? config?.daemon.server.port ?? 7070,
  };
  return { options, server, config };
}

export async function runServe(args: string[], log: NodeJS.WritableStream): Promise<number> {
  const { options, server: where, config } = serveOptions(args);
  const daemon = await startDaemon({ ...options, log: (line) => log.write(`capstan: ${line}\n`) });
  let server: Server | undefined;
  if (!options.controlPlaneOnly) {
    try {
      server = await startServer({ daemon, token: daemon.controlPlane.token, ...where });
    } catch (e) {
      await daemon.close();
      const err = e as NodeJS.ErrnoException;
      throw new CapstanError(
        'SERVER_LISTEN_FAILED',
        `serve: cannot listen on ${where.host}:${where.port} for the API and webhooks: ${err.code ?? err.message}` +
          (err.code === 'EADDRINUSE' ? ' (another process holds the port; choose one with --api-port)' : ''),
      );
    }
  }
  // listening before the lines below: whoever reads them may signal at once
  const stopped = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const cp = daemon.controlPlane;
  if (config) log.write(`capstan: configuration read from ${config.file}\n`);
  log.write(`capstan: control plane serving at ${cp.url} (data in ${daemon.dataDir})\n`);
  const nodes = cp.agents.map((a) => `${a.nodeName} (${a.runtimeKind})`).join(', ');
  if (nodes) log.write(`capstan: nodes: ${nodes}\n`);
  log.write(
    `capstan: kubeconfig written to ${cp.kubeconfigPath}; try: kubectl --kubeconfig ${cp.kubeconfigPath} get ns\n`,
  );
  if (server) {
    const apps = daemon.sync.applications().length;
    log.write(`capstan: API and webhooks at ${server.url} (${apps} application${apps === 1 ? '' : 's'})\n`);
  }
  await stopped;
  log.write('capstan: shutting down\n');
  await server?.close();
  await daemon.close();
  return 0;
}

export function runKubeconfig(args: string[], out: NodeJS.WritableStream): number {
  const { values } = parse(args, 'kubeconfig', { 'data-dir': { type: 'string' } });
  const file = kubeconfigPathFor((values['data-dir'] as string | undefined) ?? defaultDataDir());
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new CapstanError(
      'KUBECONFIG_NOT_FOUND',
      `${file}: no kubeconfig yet; start the daemon with 'capstan serve' first`,
    );
  }
  out.write(text);
  return 0;
}
