/**
 * Which tenant an order belongs to, learnt from OrderPlaced.v1: RefundIssued.v1 names the order but not its tenant,
 * and the webhooks context reads no other context's tables.
 */
export interface OrderTenants {
  remember(orderId: string, tenantId: string): Promise<void>;
  tenantOf(orderId: string): Promise<string | undefined>;
}
