/**
 * Which items are being written, so that writes to the same item are ordered and transactions conflict as on
 * DynamoDB, while writes to different items never wait for each other.
 *
 * - Writes outside transactions (PutItem, UpdateItem, DeleteItem, BatchWriteItem) to one item run one after
 *   another, in arrival order.
 * - A TransactWriteItems holds its items from the moment it starts until it is applied. A write outside a
 *   transaction to a held item is refused with `TransactionConflictException`; a transaction that touches an item
 *   another transaction holds is cancelled with a `TransactionConflict` reason. Writes already queued on an item
 *   finish before the transaction reads it.
 * - TransactGetItems conflicts with any write in progress on its items, and with any that lands while it reads.
 *
 * These are the rules of "Transaction conflict handling" in the DynamoDB developer guide. Reads (GetItem, Query,
 * Scan) never wait: they see each item as last written.
 */

interface ItemState {
  /** The transaction holding the item, if any. */
  transaction: symbol | undefined;
  /** Settles when the last write queued on the item has run. */
  tail: Promise<void>;
  /** Writes queued or running on the item (a holding transaction counts as one). */
  pending: number;
}

/** A TransactGetItems reading some items: whether any of them was written meanwhile. */
export interface ReadWatch {
  readonly written: boolean;
  stop(): void;
}

export class ItemLocks {
  private readonly items = new Map<string, ItemState>();
  private readonly watches = new Map<string, Set<{ written: boolean }>>();

  /** Items (by identity) held by a transaction now. */
  heldByTransaction(identities: readonly string[]): string[] {
    return identities.filter((identity) => this.items.get(identity)?.transaction !== undefined);
  }

  /**
   * Runs a write outside a transaction to `identities` once the earlier writes to them are done. The caller has
   * checked `heldByTransaction` first: a transaction that took an item since then is waited for.
   */
  async write<T>(identities: readonly string[], apply: () => Promise<T>): Promise<T> {
    const before = identities.map((identity) => this.enqueue(identity));
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    for (const identity of identities) this.state(identity).tail = done;
    try {
      await Promise.all(before);
      return await apply();
    } finally {
      for (const identity of identities) this.settle(identity);
      finish();
    }
  }

  /**
   * Takes every item for one transaction, or answers the items another transaction holds (then nothing is taken).
   * The returned `release` must be called once the transaction is applied or cancelled.
   */
  async takeForTransaction(identities: readonly string[]): Promise<{ conflicts: string[] } | { release: () => void }> {
    const conflicts = this.heldByTransaction(identities);
    if (conflicts.length > 0) return { conflicts };
    const owner = Symbol('transaction');
    const earlierWrites = identities.map((identity) => {
      const state = this.state(identity);
      state.transaction = owner;
      state.pending += 1;
      return state.tail;
    });
    await Promise.all(earlierWrites);
    return {
      release: () => {
        for (const identity of identities) {
          const state = this.state(identity);
          if (state.transaction === owner) state.transaction = undefined;
          this.settle(identity);
        }
      },
    };
  }

  /** Items with a write queued or running, or held by a transaction. */
  busy(identities: readonly string[]): string[] {
    return identities.filter((identity) => (this.items.get(identity)?.pending ?? 0) > 0);
  }

  /** Notes every write that completes on `identities` until `stop`. */
  watch(identities: readonly string[]): ReadWatch {
    const watch = { written: false };
    for (const identity of identities) {
      let watchers = this.watches.get(identity);
      if (!watchers) {
        watchers = new Set();
        this.watches.set(identity, watchers);
      }
      watchers.add(watch);
    }
    return {
      get written() {
        return watch.written;
      },
      stop: () => {
        for (const identity of identities) {
          const watchers = this.watches.get(identity);
          watchers?.delete(watch);
          if (watchers?.size === 0) this.watches.delete(identity);
        }
      },
    };
  }

  private enqueue(identity: string): Promise<void> {
    const state = this.state(identity);
    state.pending += 1;
    return state.tail;
  }

  private settle(identity: string): void {
    const state = this.state(identity);
    state.pending -= 1;
    for (const watch of this.watches.get(identity) ?? []) watch.written = true;
    if (state.pending === 0 && state.transaction === undefined) this.items.delete(identity);
  }

  private state(identity: string): ItemState {
    let state = this.items.get(identity);
    if (!state) {
      state = { transaction: undefined, tail: Promise.resolve(), pending: 0 };
      this.items.set(identity, state);
    }
    return state;
  }
}
