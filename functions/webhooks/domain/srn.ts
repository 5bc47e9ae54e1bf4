/**
 * A webhook's SRN, for audit records and log lines. A webhook belongs to a tenant, not to a project or region: like a
 * project it is global (empty region) and its own project segment. Pure: no AWS imports.
 */
export function webhookSrn(tenantId: string, webhookId: string): string {
  return `srn:sagastack::${tenantId}:${webhookId}:webhook/${webhookId}`;
}
