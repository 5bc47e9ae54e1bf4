/**
 * The bound on concurrent calls to one endpoint: a few leased slots per webhook. A slow or failing receiver holds
 * its own slots and nobody else's (docs/adr, webhooks delivery).
 */
export interface SlotLease {
  readonly webhookId: string;
  readonly slot: number;
  readonly holder: string;
}

export interface EndpointSlots {
  /** A free (or expired) slot of `slots`, leased for `leaseSeconds`; `undefined` when all are held. */
  acquire(webhookId: string, holder: string, slots: number, leaseSeconds: number): Promise<SlotLease | undefined>;
  release(lease: SlotLease): Promise<void>;
}
