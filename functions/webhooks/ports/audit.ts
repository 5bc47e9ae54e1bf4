/** The audit trail: registrations, rotations and deletions of webhooks, allowed or denied (AuditEvent.v1). */
import type * as z from 'zod';
import type { AuditEvent } from '../../../shared/contracts/events/audit-events.js';

/** AuditEvent.v1's data less its id (the publisher gives one), with the request's correlation id. */
export type AuditEntry = Omit<z.infer<typeof AuditEvent.data>, 'eventId'> & { readonly correlationId: string };

export interface AuditTrail {
  record(entry: AuditEntry): Promise<void>;
}
