/**
 * Each provider's function, by name. Its keys are `WEBHOOK_PROVIDERS` (src/core/config-daemon.ts),
 * the one list of names: the type makes a provider missing here a compile error.
 */
import type { WebhookProviderName } from '../../core/index.js';
import { bitbucket } from './bitbucket.js';
import type { WebhookProvider } from './event.js';
import { generic } from './generic.js';
import { gitea, github } from './github.js';
import { gitlab } from './gitlab.js';

export const webhookProviders: Readonly<Record<WebhookProviderName, WebhookProvider>> = {
  github,
  gitlab,
  gitea,
  bitbucket,
  generic,
};
