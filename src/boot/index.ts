/**
 * Start-up wiring, above the layers: the embedded control plane (always: it holds the
 * Applications), the daemon over it, and the daemon's HTTP server. `capstan serve` calls
 * this; tests and benchmarks start Capstan the same way.
 */
import os from 'node:os';
import path from 'node:path';
import type { DaemonConfig, ImageCommandConfig, NodeConfig } from '../core/index.js';
import { startControlPlane, type ControlPlane } from '../controlplane/index.js';
import { startDaemon, type Daemon, type LogFn } from '../daemon/index.js';
import { startServer, type Server } from '../server/index.js';

export interface CapstanOptions {
  /** default: $CAPSTAN_DATA_DIR, else ~/.capstan */
  dataDir?: string;
  /** the Kubernetes API's address (default 127.0.0.1, port 6443; 0 picks a free one) */
  host?: string;
  port?: number;
  token?: string;
  /** run only the embedded control plane: no daemon, no API server */
  controlPlaneOnly?: boolean;
  /** how nodes that do not name a runtime run pods: `process` (default) or `simulated` */
  runtime?: 'process' | 'simulated';
  /** the host port Ingresses answer on (0: a free one) */
  ingressPort?: number;
  nodes?: NodeConfig[];
  imageCommands?: ImageCommandConfig[];
  /** applications, queue, webhooks, clusters (default: none) */
  config?: DaemonConfig;
  /** the daemon's API and webhooks (default 127.0.0.1:7070; port 0 picks a free one); false: none */
  server?: { host?: string; port?: number } | false;
  log?: LogFn;
  env?: NodeJS.ProcessEnv;
}

export interface Capstan {
  controlPlane: ControlPlane;
  /** unset with controlPlaneOnly */
  daemon?: Daemon;
  server?: Server;
  dataDir: string;
  close(): Promise<void>;
}

export const EMPTY_DAEMON_CONFIG: DaemonConfig = {
  server: {},
  queue: {},
  webhooks: { secrets: {} },
  applications: [],
};

export function defaultDataDir(): string {
  return process.env.CAPSTAN_DATA_DIR || path.join(os.homedir(), '.capstan');
}

/** Where `capstan serve` writes the kubeconfig for a data directory. */
export function kubeconfigPathFor(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'controlplane', 'kubeconfig');
}

export async function startCapstan(options: CapstanOptions = {}): Promise<Capstan> {
  const dataDir = path.resolve(options.dataDir ?? defaultDataDir());
  const controlPlane = await startControlPlane({
    dataDir: path.join(dataDir, 'controlplane'),
    host: options.host,
    port: options.port,
    token: options.token,
    runtime: options.runtime,
    ingressPort: options.ingressPort,
    nodes: options.nodes,
    imageCommands: options.imageCommands,
    logger: options.log && { error: (fields, msg) => options.log?.('error', fields, msg) },
  });
  if (options.controlPlaneOnly) {
    return { controlPlane, dataDir, close: () => controlPlane.close() };
  }
  let daemon: Daemon | undefined;
  let server: Server | undefined;
  try {
    daemon = await startDaemon({
      controlPlane,
      config: options.config ?? EMPTY_DAEMON_CONFIG,
      dataDir,
      env: options.env,
      log: options.log,
    });
    if (options.server !== false) {
      server = await startServer({
        daemon,
        token: controlPlane.token,
        host: options.server?.host,
        port: options.server?.port,
        webhookMaxBodyBytes: options.config?.webhooks.maxBodyBytes,
        log: (line) => options.log?.('error', {}, line),
      });
    }
  } catch (e) {
    await daemon?.close();
    await controlPlane.close();
    throw e;
  }
  return {
    controlPlane,
    daemon,
    server,
    dataDir,
    async close() {
      await server?.close();
      await daemon?.close();
      await controlPlane.close();
    },
  };
}
