/** `capstan serve` and `capstan kubeconfig`: run the daemon; print its kubeconfig. */
import fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CapstanError, loadConfigFile, type CapstanConfig } from '../core/index.js';
import { defaultDataDir, kubeconfigPathFor, startDaemon, type DaemonOptions } from '../daemon/index.js';

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
): { options: DaemonOptions; config?: CapstanConfig } {
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
  };
  return { options, config };
}

export async function runServe(args: string[], log: NodeJS.WritableStream): Promise<number> {
  const { options, config } = serveOptions(args);
  const daemon = await startDaemon(options);
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
  await stopped;
  log.write('capstan: shutting down\n');
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
