/** Tells a customer about an order, a failed checkout or a refund, on the channels the domain picks for the event. */
import type { NotifiableEventEnvelope } from '../../../shared/contracts/events/notifiable-events.js';
import { notificationsFor } from '../domain/notifications.js';
import type { NotificationChannels } from '../ports/notifications.js';

export interface NotifyCustomerPorts {
  readonly channels: NotificationChannels;
}

/**
 * Channels are sent one after the other; if one fails the message is retried, and the channels that already sent
 * recognise the redelivery (same event id and time), so nobody is notified twice.
 */
export async function notifyCustomer(event: NotifiableEventEnvelope, ports: NotifyCustomerPorts): Promise<number> {
  const { recipient, messages } = notificationsFor(event);
  for (const message of messages) {
    await ports.channels[message.channel].send({
      recipient,
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
