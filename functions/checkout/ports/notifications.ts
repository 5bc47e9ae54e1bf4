/** How notifications leave the platform: one port per channel, and the log of what each customer was sent. */
import type { ChannelName } from '../domain/notifications.js';

interface OutgoingNotification {
  /** The customer (JWT `sub`). */
  readonly recipient: string;
  /**
   * Where the channel delivers: the e-mail address or phone number of the customer's contact, opened for this
   * message only; absent when the checkout holds no contact (or on push). Never stored or logged in clear.
   */
  readonly address?: string;
  readonly subject: string;
  readonly body: string;
  /** EventBridge detail-type of the event that caused it, e.g. `OrderPlaced.v1`. */
  readonly eventType: string;
  readonly eventId: string;
  readonly correlationId: string;
  /**
   * The event's time, not the clock's: a redelivered event then yields the same log entry, which the log's
   * conditional write recognises as already sent.
   */
  readonly sentAt: string;
}

interface SentNotification extends OutgoingNotification {
  readonly channel: ChannelName;
}

/** Sends one message to a customer on one channel. Sending the same event twice must not notify twice. */
export interface NotificationChannel {
  readonly channel: ChannelName;
  send(notification: OutgoingNotification): Promise<void>;
}

interface EmailChannel extends NotificationChannel {
  readonly channel: 'email';
}
interface SmsChannel extends NotificationChannel {
  readonly channel: 'sms';
}
interface PushChannel extends NotificationChannel {
  readonly channel: 'push';
}

export interface NotificationChannels {
  readonly email: EmailChannel;
  readonly sms: SmsChannel;
  readonly push: PushChannel;
}

/** What each customer was sent; tests and support read it. */
export interface NotificationLog {
  /** Records a notification once; returns false if it was already recorded (a redelivered event). */
  record(notification: SentNotification): Promise<boolean>;
}
