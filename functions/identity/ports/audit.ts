/** The audit trail of service accounts: every token issued, first use, creation, secret change and revocation. */
import type * as z from 'zod';
import type { AuditEvent } from '../../../shared/contracts/events/audit-events.js';

/** An AuditEvent.v1 as a use case states it: the publisher adds its id; the correlation id goes to the metadata. */
export type AuditEntry = Omit<z.infer<typeof AuditEvent.data>, 'eventId'> & { readonly correlationId: string };

export interface AuditTrail {
  record(entry: AuditEntry): Promise<void>;
}
