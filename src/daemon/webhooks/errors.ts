import { CapstanError, WEBHOOK_PROVIDERS, type WebhookProviderName } from '../../core/index.js';

/**
 * Why a webhook delivery was refused. A refused delivery triggers nothing; the HTTP server's
 * error table (src/server/errors.ts) gives each code its status.
 *
 * | code | meaning |
 * |---|---|
 * | `WEBHOOK_PROVIDER_UNKNOWN` | the path names no provider Capstan knows |
 * | `WEBHOOK_NOT_CONFIGURED` | the provider has no secret in the configuration: its webhooks are off |
 * | `WEBHOOK_SIGNATURE_MISSING` | the provider's signature (or token) header is absent |
 * | `WEBHOOK_SIGNATURE_INVALID` | the signature does not match the body and the secret |
 * | `WEBHOOK_PAYLOAD_INVALID` | a verified body that is not JSON |
 * | `WEBHOOK_REPLAYED` | a delivery id seen before (`data.delivery`) |
 * | `WEBHOOK_RATE_LIMITED` | over the per-repository rate (`data.retryAfterSeconds`) |
 */
export type WebhookErrorCode =
  | 'WEBHOOK_PROVIDER_UNKNOWN'
  | 'WEBHOOK_NOT_CONFIGURED'
  | 'WEBHOOK_SIGNATURE_MISSING'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_PAYLOAD_INVALID'
  | 'WEBHOOK_REPLAYED'
  | 'WEBHOOK_RATE_LIMITED';

export function webhookError(
  code: WebhookErrorCode,
  message: string,
  data: Record<string, unknown> = {},
): CapstanError {
  return new CapstanError(code, message, data);
}

/** `name` as a provider's name, or `WEBHOOK_PROVIDER_UNKNOWN`. */
export function webhookProviderNamed(name: string): WebhookProviderName {
  if ((WEBHOOK_PROVIDERS as readonly string[]).includes(name)) return name as WebhookProviderName;
  throw webhookError(
    'WEBHOOK_PROVIDER_UNKNOWN',
    `no webhook provider "${name}": one of ${WEBHOOK_PROVIDERS.join(', ')}`,
    { provider: name },
  );
}
