/**
 * Who publishes on the bus. Every context publishes under its own source, and its functions' and sagas' IAM grants
 * say so (`events:source`), so a consumer may trust an event's source: no other context can forge it
 * (docs/adr/0026-each-context-publishes-under-its-own-source.md).
 */
export const EVENT_SOURCES = {
  checkout: 'sagastack.checkout',
  provisioning: 'sagastack.provisioning',
  /** The audit context's own events: the trail's record of a refused read. */
  audit: 'sagastack.audit',
  /** Automated agents outside the platform, which request checkouts (CheckoutRequested.v1) with proof of who they are. */
  agents: 'sagastack.agents',
  /** Service accounts: the audit trail of their creation, secrets and tokens. */
  identity: 'sagastack.identity',
  /** Outbound webhooks: the audit trail of their registration, secret rotations and deletion. */
  webhooks: 'sagastack.webhooks',
} as const;
