/**
 * The envelopes a customer-notification consumer accepts: one per notifiable event, told apart by `detail-type`.
 * An unknown detail-type does not parse, so such a message fails and its queue dead-letters it.
 */
import * as z from 'zod';
import { CheckoutFailed, OrderPlaced, RefundIssued } from './checkout-events.js';
import { type EventContract, eventEnvelope } from './define-event.js';

/**
 * The literal detail-type gives TypeScript a discriminant; the check keeps it equal to the contract's (a version bump
 * in the contract fails at import instead of silently never matching).
 */
function envelopeOf<TDetailType extends string, TData extends z.ZodType>(
  detailType: TDetailType,
  contract: EventContract<TData>,
) {
  if (contract.detailType !== detailType) {
    throw new Error(`Notifiable event ${detailType} does not match its contract's detail-type ${contract.detailType}`);
  }
  // The source too: only the checkout context may publish what customers are told (its grants say so).
  return eventEnvelope(contract.detail).extend({
    'detail-type': z.literal(detailType),
    source: z.literal(contract.source),
  });
}

const OrderPlacedEnvelope = envelopeOf('OrderPlaced.v1', OrderPlaced);
const CheckoutFailedEnvelope = envelopeOf('CheckoutFailed.v1', CheckoutFailed);
const RefundIssuedEnvelope = envelopeOf('RefundIssued.v1', RefundIssued);

export const NotifiableEventEnvelope = z.discriminatedUnion('detail-type', [
  OrderPlacedEnvelope,
  CheckoutFailedEnvelope,
  RefundIssuedEnvelope,
]);
export type NotifiableEventEnvelope = z.infer<typeof NotifiableEventEnvelope>;
