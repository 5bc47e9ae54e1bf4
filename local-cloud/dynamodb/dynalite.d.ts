/**
 * Types for the parts of `dynalite` (plain CommonJS, no published types) that the local cloud calls in-process:
 * its store, its request validations and its operation implementations.
 */
declare module 'dynalite/db' {
  /** What dynalite's operations run against: tables and items in a LevelDB (in memory without `path`). */
  interface DynaliteStore {
    readonly options: { readonly maxItemSize: number };
    readonly lifecycleManager?: { gracefulClose(callback: (error?: Error | null) => void): void };
    readonly db: { close(callback: (error?: Error | null) => void): void };
  }

  interface StoreOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }

  /** A request error: `body` is what the HTTP API would answer with `statusCode`. */
  interface DynaliteError extends Error {
    statusCode?: number;
    body?: { __type: string; message?: string };
  }

  export function create(options?: StoreOptions): DynaliteStore;
  /** `null` when the (validated) request's condition holds against `existingItem`, else the conditional error. */
  export function checkConditional(data: Record<string, unknown>, existingItem: unknown): DynaliteError | null;
}

declare module 'dynalite/validations' {
  import type { DynaliteStore } from 'dynalite/db';

  /** Coerces a request to the operation's member types; throws a `DynaliteError` (SerializationException). */
  export function checkTypes(data: unknown, types: unknown): Record<string, unknown>;
  /** Validates members and parses expressions (adding `_condition`, `_updates`, ...); throws a `DynaliteError`. */
  export function checkValidations(data: unknown, types: unknown, custom: unknown, store: DynaliteStore): void;
}
