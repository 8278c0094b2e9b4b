/**
 * The Capstan daemon: the embedded control plane, and the path from triggers (webhooks,
 * polling, local edits) through the sync queue to the worker that fetches and renders each
 * application. Its only public face.
 */
import os from 'node:os';
import path from 'node:path';
import type { DaemonConfig, ImageCommandConfig, NodeConfig } from '../core/index.js';
import { startControlPlane, type ControlPlane } from '../controlplane/index.js';
import { embeddedCluster, kubeCluster, type Cluster } from '../cluster/index.js';
import { SyncService } from './sync-service.js';

export { SyncService, type ApplicationStatus } from './sync-service.js';
export type { Application } from './applications.js';
export type { SyncPriority, SyncQueueSnapshot } from './queue/index.js';
export type { SyncRecord, PullRequestRecord } from './state/state-store.js';

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
  /** applications, queue and webhooks (default: none, in process) */
  config?: DaemonConfig;
  /** where the daemon reports what has no caller (a source that cannot be polled) */
  log?: (line: string) => void;
  /** health polling while a sync's wave settles (default 500 ms) */
  pollMs?: number;
}

export interface Daemon {
  controlPlane: ControlPlane;
  sync: SyncService;
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
  const config = options.config ?? { server: {}, queue: {}, webhooks: { secrets: {} }, applications: [] };
  let sync: SyncService;
  let cluster: Cluster | undefined;
  try {
    cluster = clusterFor(config.cluster, controlPlane);
    sync = await SyncService.start({ dataDir, config, cluster, pollMs: options.pollMs, log: options.log });
  } catch (e) {
    await cluster?.close();
    await controlPlane.close();
    throw e;
  }
  return {
    controlPlane,
    sync,
    dataDir,
    async close() {
      await sync.close();
      await cluster?.close();
      await controlPlane.close();
    },
  };
}

/** The embedded control plane unless the configuration names a kubeconfig or in-cluster credentials. */
function clusterFor(config: DaemonConfig['cluster'], controlPlane: ControlPlane): Cluster {
  if (!config || 'embedded' in config) return embeddedCluster(controlPlane.api);
  return kubeCluster(config);
}

/** Where `capstan serve` writes the kubeconfig for a data directory. */
export function kubeconfigPathFor(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'controlplane', 'kubeconfig');
}
