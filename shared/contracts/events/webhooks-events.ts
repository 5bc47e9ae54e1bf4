/**
 * What the webhooks context consumes and publishes on the bus. It publishes only its audit events (under its own
 * source); it consumes the events partners may subscribe to, each from the context that owns it, as that context's
 * contract defines it (a version bump there fails here at import, not silently at run time).
 */
import * as z from 'zod';
import { OrderPlaced, RefundIssued } from './checkout-events.js';
import { type EventContract, eventEnvelope } from './define-event.js';
import { ResourceProvisioned } from './provisioning-events.js';
import { EVENT_SOURCES } from './sources.js';

export const WEBHOOKS_SOURCE = EVENT_SOURCES.webhooks;

/**
 * The envelope of `contract` as its owner publishes it: its source too, since only the owning context may publish it
 * (its grants say so), so a forged copy does not parse. `detailType` gives the union its literal discriminant.
 */
const publishedBy = <TDetailType extends string, TData extends z.ZodType>(
  detailType: TDetailType,
  contract: EventContract<TData>,
) =>
  eventEnvelope(checkedDetailType(detailType, contract).detail).extend({
    source: z.literal(contract.source),
    'detail-type': z.literal(detailType),
  });

/** A version bump in the owner's contract fails here, at import, instead of never matching. */
function checkedDetailType<TContract extends { readonly detailType: string }>(detailType: string, contract: TContract) {
  if (contract.detailType === detailType) return contract;
  throw new Error(`The webhook event ${detailType} is ${contract.detailType} in its contract`);
}

/** The envelopes the fan-out's queue receives; anything else does not parse and is dead-lettered with the reason. */
export const WebhookEventEnvelope = z.discriminatedUnion('detail-type', [
  publishedBy('OrderPlaced.v1', OrderPlaced),
  publishedBy('RefundIssued.v1', RefundIssued),
  publishedBy('ResourceProvisioned.v1', ResourceProvisioned),
]);
export type WebhookEventEnvelope = z.infer<typeof WebhookEventEnvelope>;
