/**
 * The append-only audit log. Writing and reading are separate ports so that each function gets only the permission
 * it uses: the sink appends (PutItem), the API reads (Query).
 */
import type { AuditRecord } from '../domain/audit.js';

type AppendResult =
  | { readonly status: 'APPENDED' }
  /**
   * A record with this key is already there and was left untouched. `existing` is what it holds, when the store
   * says so (DynamoDB returns it with the refused write); `undefined` when it cannot tell.
   */
  | { readonly status: 'ALREADY_EXISTS'; readonly existing: AuditRecord | undefined };

export interface AuditAppender {
  /** Writes the record only if its key is free; never replaces anything. */
  append(record: AuditRecord): Promise<AppendResult>;
}

export interface AuditReader {
  /** Every record of a resource, newest first. */
  trail(srn: string): Promise<AuditRecord[]>;
}
