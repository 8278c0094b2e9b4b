/**
 * The Capstan daemon. Today it runs the embedded control plane; later issues add the
 * reconciler, sources and triggers to it. Its only public face.
 */
import os from 'node:os';
import path from 'node:path';
import type { ImageCommandConfig, NodeConfig } from '../core/index.js';
import { startControlPlane, type ControlPlane } from '../controlplane/index.js';

export interface DaemonOptions {
  /** default: $CAPSTAN_DATA_DIR, else ~/.capstan */
  dataDir?: string;
  host?: string;
  port?: number;
  token?: string;
  /** run only the embedded control plane (no reconciler) */
  controlPlaneOnly?: boolean;
  /** how nodes that do not name a runtime run pods: `process` (default) or `simulated` */
  runtime?: 'process' | 'simulated';
  /** the host port Ingresses answer on (0: a free one) */
  ingressPort?: number;
  /** the control plane's nodes (default: one for this machine) */
  nodes?: NodeConfig[];
  /** commands standing in for image entrypoints on process nodes */
  imageCommands?: ImageCommandConfig[];
}

export interface Daemon {
  controlPlane: ControlPlane;
  dataDir: string;
  close(): Promise<void>;
}

export function defaultDataDir(): string {
  return process.env.CAPSTAN_DATA_DIR || path.join(os.homedir(), '.capstan');
}

export async function startDaemon(options: DaemonOptions = {}): Promise<Daemon> {
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
  });
  return { controlPlane, dataDir, close: () => controlPlane.close() };
}

/** Where `capstan serve` writes the kubeconfig for a data directory. */
export function kubeconfigPathFor(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'controlplane', 'kubeconfig');
}
