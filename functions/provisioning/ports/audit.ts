/** The audit trail: every critical action, allowed or not, leaves a record (AuditEvent.v1, appended by the sink). */
import type { AuditActor, AuditOutcome } from '../../../shared/contracts/events/audit-events.js';

export interface AuditEntry {
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly srn: string;
  readonly tenantId: string;
  readonly actor: AuditActor;
  readonly correlationId: string;
  readonly details?: Record<string, unknown>;
  /** Derived ids let a repeated saga step publish a recognisable duplicate; API actions get a random one. */
  readonly eventId?: string;
}

export interface AuditTrail {
  record(entry: AuditEntry): Promise<void>;
}
