/**
 * Promotions as objects of the daemon's embedded control plane: reads, the record of each
 * promotion made (the newest ten, in status), and the API tokens their providers name
 * (Secrets in `capstan-system`, as cluster and repository Secrets are).
 */
import { ApiError, type Api, type Gvr } from '../../controlplane/index.js';
import { CapstanError, type JsonObject, type Promotion, type PromotionRecord } from '../../core/index.js';
import { PROMOTIONS } from '../app-store.js';
import { CLUSTER_SECRET_NAMESPACE } from '../cluster-secret.js';

const SECRETS: Gvr = { group: '', version: 'v1', resource: 'secrets' };
const KEPT_RECORDS = 10;

const isNotFound = (e: unknown) => e instanceof ApiError && e.reason === 'NotFound';

export class PromotionStore {
  constructor(private readonly api: Api) {}

  list(): Promotion[] {
    return (this.api.list(PROMOTIONS, undefined).items as unknown as Promotion[]) ?? [];
  }

  get(name: string): Promotion | undefined {
    try {
      return this.api.get(PROMOTIONS, undefined, name) as unknown as Promotion;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Appends `record` to the Promotion's status (keeping the newest ten). */
  async record(name: string, record: PromotionRecord): Promise<void> {
    const current = this.get(name);
    if (!current) return; // deleted meanwhile
    const promotions = [...(current.status?.promotions ?? []), record].slice(-KEPT_RECORDS);
    await this.api.patch(
      PROMOTIONS,
      undefined,
      name,
      'merge',
      { status: { promotions } } as unknown as JsonObject,
      {
        subresource: 'status',
      },
    );
  }

  /** The text of `key` in the Secret `capstan-system/<name>`; throws a CapstanError naming what is missing. */
  secretValue(name: string, key: string): string {
    let secret: JsonObject;
    try {
      secret = this.api.get(SECRETS, CLUSTER_SECRET_NAMESPACE, name);
    } catch (e) {
      if (isNotFound(e))
        throw new CapstanError('SECRET_NOT_FOUND', `Secret ${CLUSTER_SECRET_NAMESPACE}/${name} not found`);
      throw e;
    }
    const data = (secret.data ?? {}) as Record<string, string>;
    if (typeof data[key] !== 'string')
      throw new CapstanError(
        'SECRET_NOT_FOUND',
        `Secret ${CLUSTER_SECRET_NAMESPACE}/${name} has no key "${key}"`,
      );
    return Buffer.from(data[key], 'base64').toString('utf8').trim();
  }
}
