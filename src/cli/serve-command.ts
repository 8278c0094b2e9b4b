/** `capstan serve` and `capstan kubeconfig`: run the daemon; print its kubeconfig. */
import fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CapstanError } from '../core/index.js';
import { defaultDataDir, kubeconfigPathFor, startDaemon } from '../daemon/index.js';

function parse(args: string[], command: string, options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: false });
  } catch (e) {
    throw new CapstanError('CLI_USAGE', `${command}: ${(e as Error).message}`);
  }
}

export async function runServe(args: string[], log: NodeJS.WritableStream): Promise<number> {
  const { values } = parse(args, 'serve', {
    'data-dir': { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '6443' },
    token: { type: 'string' },
    'control-plane-only': { type: 'boolean', default: false },
    runtime: { type: 'string', default: 'process' },
    'ingress-port': { type: 'string', default: '0' },
  });
  if (values.runtime !== 'process' && values.runtime !== 'simulated') {
    throw new CapstanError(
      'CLI_USAGE',
      `serve: --runtime must be process or simulated, got '${String(values.runtime)}'`,
    );
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CapstanError('CLI_USAGE', `serve: --port must be a port number, got '${String(values.port)}'`);
  }
  const daemon = await startDaemon({
    dataDir: values['data-dir'] as string | undefined,
    host: values.host as string,
    port,
    token: (values.token as string | undefined) ?? process.env.CAPSTAN_TOKEN,
    controlPlaneOnly: values['control-plane-only'] as boolean,
    runtime: values.runtime as 'process' | 'simulated',
    ingressPort: Number(values['ingress-port']),
  });
  const cp = daemon.controlPlane;
  log.write(`capstan: control plane serving at ${cp.url} (data in ${daemon.dataDir})\n`);
  log.write(
    `capstan: kubeconfig written to ${cp.kubeconfigPath}; try: kubectl --kubeconfig ${cp.kubeconfigPath} get ns\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
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
