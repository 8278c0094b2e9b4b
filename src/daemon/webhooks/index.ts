/** Webhooks from Git hosts: verification, parsing, matching to applications, queueing. */
export {
  WebhookHandler,
  PROVIDERS,
  type ProviderName,
  type WebhookHandlerOptions,
  type WebhookSyncRequest,
} from './handler.js';
export type { PullRequestEvent, PushEvent, WebhookEvent } from './event.js';
export { MemoryReplayGuard, RedisReplayGuard, type ReplayGuard } from './replay-guard.js';
export { normalizeRepoUrl } from './repo-url.js';
export { applicationsForPush } from './match.js';
