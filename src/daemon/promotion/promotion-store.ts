/**
 * Promotions as objects of the daemon's embedded control plane: reads, the record of each
 * promotion made (the newest ten, in status).
 */
import { ApiError, type Api } from '../../controlplane/index.js';
import { type JsonObject, type Promotion, type PromotionRecord } from '../../core/index.js';
import { setCondition } from '../../runtime/index.js';
import { PROMOTIONS } from '../app-store.js';

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

  watch(onEvent: () => void): { stop(): void } {
    return this.api.watch(PROMOTIONS, undefined, {}, () => onEvent());
  }

  /**
   * The condition `AutoPromoted` of the Promotion: False with why an auto-promotion into
   * `target` waits (`problem`), True once it went through.
   */
  async setAutoPromoted(name: string, target: string, problem: string | undefined): Promise<void> {
    const current = this.get(name);
    if (!current) return;
    const conditions = setCondition(
      current.status?.conditions ?? [],
      problem
        ? { type: 'AutoPromoted', status: 'False', reason: 'Waiting', message: `${target}: ${problem}` }
        : { type: 'AutoPromoted', status: 'True', reason: 'Promoted', message: `${target}: promoted` },
      new Date(),
    );
    if (conditions === current.status?.conditions) return;
    await this.api.patch(
      PROMOTIONS,
      undefined,
      name,
      'merge',
      { status: { conditions } } as unknown as JsonObject,
      {
        subresource: 'status',
      },
    );
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
}
