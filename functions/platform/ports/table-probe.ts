import type { TableToProbe } from '../domain/health.js';

/** Checks that a table answers. Resolves when it does; rejects (with the cause) when it does not. */
export interface TableProbe {
  probe(table: TableToProbe): Promise<void>;
}
