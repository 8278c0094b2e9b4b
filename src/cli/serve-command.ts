/** `capstan serve` and `capstan kubeconfig`: run the daemon; print its kubeconfig. */
import fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CapstanError, loadConfigFile, type CapstanConfig } from '../core/index.js';
import {
  createLogger,
  isLogLevel,
  LOG_LEVELS,
  type Logger,
  type LogLevel,
  type LogStream,
} from '../core/logger.js';
import {
  defaultDataDir,
  kubeconfigPathFor,
  startCapstan,
  type Capstan,
  type CapstanOptions,
} from '../boot/index.js';

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
  'log-level': { type: 'string' },
} as const;

function portFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CapstanError('CLI_USAGE', `serve: --${flag} must be a port number, got '${value}'`);
  }
  return port;
}

/** `--log-level`, else `$CAPSTAN_LOG_LEVEL`, else info. */
function logLevelOf(flag: string | undefined, env: NodeJS.ProcessEnv): LogLevel {
  const level = flag ?? (env.CAPSTAN_LOG_LEVEL || 'info');
  if (isLogLevel(level)) return level;
  const from = flag === undefined ? '$CAPSTAN_LOG_LEVEL' : '--log-level';
  throw new CapstanError(
    'CLI_USAGE',
    `serve: ${from} must be one of ${LOG_LEVELS.join(', ')}, got '${level}'`,
  );
}

/** What the daemon reports (`log(level, fields, msg)`), as records of the serve command's logger. */
export function daemonLog(logger: Logger) {
  return (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string) =>
    logger[level](fields, msg);
}

/**
 * The daemon's options from `serve`'s flags, the environment and the configuration file
 * (`--config`, else `$CAPSTAN_CONFIG`), in that order of precedence: a flag wins over
 * the file, the file over the built-in default.
 */
export function serveOptions(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): {
  options: CapstanOptions;
  server: { host: string; port: number };
  config?: CapstanConfig;
  logLevel: LogLevel;
} {
  const { values } = parse(args, 'serve', SERVE_OPTIONS);
  const logLevel = logLevelOf(values['log-level'], env);
  const runtime = values.runtime;
  if (runtime !== undefined && runtime !== 'process' && runtime !== 'simulated') {
    throw new CapstanError('CLI_USAGE', `serve: --runtime must be process or simulated, got '${runtime}'`);
  }
  const port = portFlag('port', values.port);
  const ingressPort = portFlag('ingress-port', values['ingress-port']);
  const file = values.config ?? (env.CAPSTAN_CONFIG || undefined);
  const config = file === undefined ? undefined : loadConfigFile(file);
  const cp = config?.controlPlane;
  const options: CapstanOptions = {
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
  return { options, server, config, logLevel };
}

/** Runs the daemon until SIGTERM or SIGINT; logs go to `stream` (JSON lines unless a terminal). */
export async function runServe(args: string[], stream: LogStream): Promise<number> {
  const { options, server: where, config, logLevel } = serveOptions(args);
  const log = createLogger({ level: logLevel, stream });
  let capstan: Capstan;
  try {
    capstan = await startCapstan({
      ...options,
      server: options.controlPlaneOnly ? false : where,
      log: daemonLog(log),
    });
  } catch (e) {
    throw listenFailure(e, where) ?? e;
  }
  // listening before the lines below: whoever reads them may signal at once
  const stopped = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const cp = capstan.controlPlane;
  // whole sentences: people and tests grep these words ("kubeconfig written to")
  if (config) log.info({}, `configuration read from ${config.file}`);
  log.info({}, `control plane serving at ${cp.url} (data in ${capstan.dataDir})`);
  const nodes = cp.agents.map((a) => `${a.nodeName} (${a.runtimeKind})`).join(', ');
  if (nodes) log.info({}, `nodes: ${nodes}`);
  log.info(
    {},
    `kubeconfig written to ${cp.kubeconfigPath}; try: kubectl --kubeconfig ${cp.kubeconfigPath} get ns`,
  );
  if (capstan.server && capstan.daemon) {
    const apps = (await capstan.daemon.listApplications()).length;
    log.info({}, `API and webhooks at ${capstan.server.url} (${apps} application${apps === 1 ? '' : 's'})`);
  }
  await stopped;
  log.info({}, 'shutting down');
  await capstan.close();
  return 0;
}

/** The daemon's API port taken: say which port and what to do, instead of a bare EADDRINUSE. */
function listenFailure(e: unknown, where: { host: string; port: number }): CapstanError | undefined {
  const err = e as NodeJS.ErrnoException & { port?: number };
  if (err?.syscall !== 'listen' || where.port === 0 || err.port !== where.port) return undefined;
  return new CapstanError(
    'SERVER_LISTEN_FAILED',
    `serve: cannot listen on ${where.host}:${where.port} for the API and webhooks: ${err.code ?? err.message}` +
      (err.code === 'EADDRINUSE' ? ' (another process holds the port; choose one with --api-port)' : ''),
  );
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
