/**
 * dynalite's store and what every write to its items goes through. The request listener, the transaction engine and
 * the TTL sweeper share one of each: the tables' key schemas, which name an item, and the item locks, which order the
 * writes to an item and make them conflict with transactions (`item-locks.ts`).
 */
import type { DynaliteEngine } from './dynalite-engine.js';
import type { ItemLocks } from './item-locks.js';
import type { KeySchemas } from './table-keys.js';

export interface ItemStore {
  readonly engine: DynaliteEngine;
  readonly keys: KeySchemas;
  readonly locks: ItemLocks;
}
