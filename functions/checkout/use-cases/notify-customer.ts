/** Tells a customer about an order, a failed checkout or a refund, on the channels the domain picks for the event. */
import type { CustomerContact } from '../../../shared/contracts/common.js';
import type { NotifiableEventEnvelope } from '../../../shared/contracts/events/notifiable-events.js';
import { addressOn, notificationsFor } from '../domain/notifications.js';
import type { NotificationChannels } from '../ports/notifications.js';
import type { OrderRepository } from '../ports/orders.js';
import { type PersonalDataPorts, personalDataOf } from './personal-data.js';

export interface NotifyCustomerPorts extends PersonalDataPorts {
  readonly channels: NotificationChannels;
  /** Which checkout a refunded order came from: its contact is on that checkout. */
  readonly orders: Pick<OrderRepository, 'getOrder'>;
}

/**
 * Channels are sent one after the other; if one fails the message is retried, and the channels that already sent
 * recognise the redelivery (same event id and time), so nobody is notified twice. The customer's contact is opened
 * from their checkout's sealed personal data (events carry ids, not contacts: docs/adr/0040); a checkout without one
 * is notified by the customer's id alone, as before contacts existed.
 */
export async function notifyCustomer(event: NotifiableEventEnvelope, ports: NotifyCustomerPorts): Promise<number> {
  const { recipient, messages } = notificationsFor(event);
  const contact = await contactFor(event, recipient, ports);
  for (const message of messages) {
    const address = addressOn(message.channel, contact);
    await ports.channels[message.channel].send({
      recipient,
      ...(address === undefined ? {} : { address }),
      subject: message.subject,
      body: message.body,
      eventType: event['detail-type'],
      eventId: event.id,
      correlationId: event.detail.metadata.correlationId,
      sentAt: event.time,
    });
  }
  return messages.length;
}

async function contactFor(
  event: NotifiableEventEnvelope,
  customerId: string,
  ports: NotifyCustomerPorts,
): Promise<CustomerContact | undefined> {
  const checkoutId =
    event['detail-type'] === 'RefundIssued.v1'
      ? (await ports.orders.getOrder(event.detail.data.orderId))?.checkoutId
      : event.detail.data.checkoutId;
  if (checkoutId === undefined) return undefined;
  return (await personalDataOf(checkoutId, customerId, ports))?.contact;
}
