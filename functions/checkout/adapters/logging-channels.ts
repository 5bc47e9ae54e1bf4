/**
 * Stand-in channels: no e-mail, SMS or push provider is wired yet, so each channel logs the message and records it in
 * the notifications table (NOTIFICATIONS_TABLE_NAME). The table is what end-to-end tests read to see what a customer
 * received. A real provider would replace `send` and keep the log.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import { logger } from '../../../shared/powertools/index.js';
import { type ChannelName, maskedAddress } from '../domain/notifications.js';
import type { NotificationChannel, NotificationChannels, NotificationLog } from '../ports/notifications.js';

/** The sort key orders a customer's notifications by time; channel and event id make it unique per message. */
function notificationSortKey(notification: { sentAt: string; channel: ChannelName; eventId: string }): string {
  return `${notification.sentAt}#${notification.channel}#${notification.eventId}`;
}

function dynamoNotificationLog(): NotificationLog {
  return {
    async record(notification) {
      try {
        await dynamoDocumentClient().send(
          new PutCommand({
            TableName: requiredEnv(tableEnv('NOTIFICATIONS')),
            Item: {
              recipient: notification.recipient,
              sk: notificationSortKey(notification),
              channel: notification.channel,
              eventType: notification.eventType,
              eventId: notification.eventId,
              subject: notification.subject,
              body: notification.body,
              correlationId: notification.correlationId,
              sentAt: notification.sentAt,
              // Masked: the table is read by support and tests; the address itself stays sealed on the checkout.
              ...(notification.address === undefined ? {} : { deliveredTo: maskedAddress(notification.address) }),
            },
            ConditionExpression: 'attribute_not_exists(sk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}

function loggingChannel<TChannel extends ChannelName>(
  channel: TChannel,
  log: NotificationLog,
): NotificationChannel & { channel: TChannel } {
  return {
    channel,
    async send(notification) {
      const recorded = await log.record({ ...notification, channel });
      // The body stays out of the logs: it is in the table, and logs are kept longer and read more widely.
      const fields = {
        channel,
        recipient: notification.recipient,
        subject: notification.subject,
        eventType: notification.eventType,
        eventId: notification.eventId,
      };
      if (recorded) logger.info('Notification sent (simulated channel)', fields);
      else logger.info('Notification already sent; redelivery ignored', fields);
    },
  };
}

export function loggingChannels(log: NotificationLog = dynamoNotificationLog()): NotificationChannels {
  return {
    email: loggingChannel('email', log),
    sms: loggingChannel('sms', log),
    push: loggingChannel('push', log),
  };
}
