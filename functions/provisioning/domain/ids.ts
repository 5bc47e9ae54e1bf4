/**
 * Identifiers. Derived, not random, wherever a repeat must find the first attempt's work: a retried request finds the
 * resource it created, a retried step the meter it started. Pure: no AWS imports.
 */
import { createHash } from 'node:crypto';

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/**
 * The resource a request creates, from the tenant, the caller and their Idempotency-Key: the same request sent again
 * (even after the idempotency record expired) names the same resource, and two callers never collide. 24 hex
 * characters keep `<resourceId>-delete` well inside the 80 characters of an execution name.
 */
export function resourceIdFor(tenantId: string, callerSub: string, idempotencyKey: string): string {
  return `res_${digest('resource', tenantId, callerSub, idempotencyKey).slice(0, 24)}`;
}

export function projectIdFor(tenantId: string, callerSub: string, idempotencyKey: string): string {
  return `prj_${digest('project', tenantId, callerSub, idempotencyKey).slice(0, 24)}`;
}

/** One meter per resource: a repeated StartBilling finds it instead of starting a second one. */
export const meterIdFor = (resourceId: string): string => `m_${resourceId}`;

/** A VM's boot volume. */
export const bootVolumeIdFor = (resourceId: string): string => `bootvol_${resourceId}`;

/** Execution names: Step Functions refuses a second execution of the same name, so each saga runs once. */
export const provisionExecutionName = (resourceId: string): string => resourceId;

/**
 * One deprovision saga per deletion attempt: a resource whose deprovisioning failed can be deleted again, with a
 * saga of a new name (`<resourceId>-delete`, then `-delete-2`, ...), while a repeat of the same attempt finds its
 * saga. Execution names stay unique for 90 days after the execution closes, so a fixed name could never run twice.
 */
export function deprovisionExecutionName(resourceId: string, attempt = 1): string {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`Bad deletion attempt ${attempt}`);
  return attempt === 1 ? `${resourceId}-delete` : `${resourceId}-delete-${attempt}`;
}

/** The network a region's VMs join. */
export const networkIdFor = (region: string): string => `net-${region}`;

/** Audit events of saga outcomes are derived, so a repeated step publishes a duplicate the sink can recognise. */
export function sagaAuditEventIdFor(action: string, resourceId: string, outcome: string): string {
  return `evt_${digest('audit', action, resourceId, outcome).slice(0, 32)}`;
}
