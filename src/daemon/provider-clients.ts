/**
 * The Git hosting provider clients the daemon writes through (promotions, previews, commit
 * statuses, reverts), one per provider reference and token. A reference names its token as
 * a key of a Secret in `capstan-system`; the Secret is read on every call, so a rotated
 * token applies at once, and a client is kept while its token is the same.
 */
import { ApiError, type Api, type Gvr } from '../controlplane/index.js';
import { CapstanError, type GitProviderRef, type JsonObject } from '../core/index.js';
import { createProvider, type GitProvider } from '../providers/index.js';
import { CLUSTER_SECRET_NAMESPACE } from './cluster-secret.js';

const SECRETS: Gvr = { group: '', version: 'v1', resource: 'secrets' };

export class ProviderClients {
  private readonly clients = new Map<string, GitProvider>();

  constructor(
    private readonly api: Api,
    /** builds a client (tests pass one with a recording sleep) */
    private readonly create: (options: Parameters<typeof createProvider>[0]) => GitProvider = (o) =>
      createProvider(o),
  ) {}

  /** The client for `ref`; throws `PROVIDER_TOKEN_MISSING` naming the Secret and key when the token is not there. */
  for(ref: GitProviderRef): GitProvider {
    const token = this.token(ref);
    const key = JSON.stringify([ref.name, ref.apiUrl, ref.repository, token]);
    let client = this.clients.get(key);
    if (!client) {
      client = this.create({ provider: ref.name, apiUrl: ref.apiUrl, repository: ref.repository, token });
      this.clients.set(key, client);
    }
    return client;
  }

  private token(ref: GitProviderRef): string {
    const { name } = ref.tokenSecretRef;
    const key = ref.tokenSecretRef.key ?? 'token';
    const where = `Secret ${CLUSTER_SECRET_NAMESPACE}/${name}`;
    let secret: JsonObject;
    try {
      secret = this.api.get(SECRETS, CLUSTER_SECRET_NAMESPACE, name);
    } catch (e) {
      if (e instanceof ApiError && e.reason === 'NotFound')
        throw new CapstanError(
          'PROVIDER_TOKEN_MISSING',
          `${where}, which holds the ${ref.name} token, not found`,
        );
      throw e;
    }
    const value = ((secret.data ?? {}) as Record<string, unknown>)[key];
    if (typeof value !== 'string' || !value)
      throw new CapstanError(
        'PROVIDER_TOKEN_MISSING',
        `${where} has no key "${key}" (the ${ref.name} token)`,
      );
    return Buffer.from(value, 'base64').toString('utf8').trim();
  }
}
