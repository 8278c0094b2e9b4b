/** Webhooks from Git hosts: verification, parsing, matching to applications, queueing. */
export { WebhookReceiver, type WebhookReceiverOptions, type WebhookSyncRequest } from './receiver.js';
export { webhookProviders } from './providers.js';
export { webhookError, webhookProviderNamed, type WebhookErrorCode } from './errors.js';
export type { PullRequestEvent, PushEvent, WebhookEvent, WebhookHeaders, WebhookProvider } from './event.js';
export { MemoryReplayGuard, RedisReplayGuard, type ReplayGuard } from './replay-guard.js';
export { normalizeRepoUrl } from './repo-url.js';
export { applicationsForPush, type PushTarget } from './match.js';
