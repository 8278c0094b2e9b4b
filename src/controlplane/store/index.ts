/**
 * The embedded control plane's durable store (see types.ts for the contract). The only
 * public face of this folder: `openStore`, `StoreError` and the contract's types.
 */
import { SqliteStore } from './sqlite-store.js';
import type { Store, StoreOptions } from './types.js';

export type * from './types.js';
export { StoreError } from './errors.js';
export { DEFAULT_HISTORY_SIZE } from './sqlite-store.js';

/**
 * Opens the store in `options.dataDir` (created with mode 0700 if missing; the file is
 * `capstan.db`), loading every object into memory. Throws a CapstanError `STORE_LOCKED`
 * when another process has it open, `STORE_SCHEMA_TOO_NEW` when a newer Capstan wrote
 * it, `STORE_NOT_A_STORE` or `STORE_OPEN_FAILED` otherwise.
 *
 * Values returned by reads, writes and watch events are deep-frozen and shared with the
 * store's cache: copy one before changing it.
 */
export function openStore(options: StoreOptions): Store {
  return new SqliteStore(options);
}
