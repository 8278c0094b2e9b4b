/** The Capstan daemon: its one public face. */
export { startDaemon, type Daemon, type DaemonOptions, type LogFn } from './daemon.js';
export type {
  ClusterInfo,
  ClusterRegistration,
  DaemonApi,
  SyncRequestOptions,
  WebhookOutcome,
} from './api.js';
export type { SyncRecord, PullRequestRecord } from './state/state-store.js';
