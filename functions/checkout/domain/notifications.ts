/**
 * What a customer is told about each notifiable event, and on which channels. Pure: the channel adapters deliver.
 */
import type { CustomerContact } from '../../../shared/contracts/common.js';
import type { NotifiableEventEnvelope } from '../../../shared/contracts/events/notifiable-events.js';

export type ChannelName = 'email' | 'sms' | 'push';

interface NotificationContent {
  readonly channel: ChannelName;
  readonly subject: string;
  readonly body: string;
}

export interface CustomerNotifications {
  /** The customer (JWT `sub`) the event concerns. */
  readonly recipient: string;
  readonly messages: readonly NotificationContent[];
}

/** Carriers split longer texts into several billed parts. */
export const SMS_MAX_LENGTH = 160;

export function notificationsFor(event: NotifiableEventEnvelope): CustomerNotifications {
  switch (event['detail-type']) {
    case 'OrderPlaced.v1':
      return orderPlaced(event.detail.data);
    case 'CheckoutFailed.v1':
      return checkoutFailed(event.detail.data);
    case 'RefundIssued.v1':
      return refundIssued(event.detail.data);
  }
}

type DataOf<TDetailType extends NotifiableEventEnvelope['detail-type']> = Extract<
  NotifiableEventEnvelope,
  { 'detail-type': TDetailType }
>['detail']['data'];

function orderPlaced(data: DataOf<'OrderPlaced.v1'>): CustomerNotifications {
  const { totals } = data;
  const lines = data.lines.map(
    (line) =>
      `${line.quantity} x ${line.name} (${line.sku}) at ${formatCents(line.unitPriceCents)} = ${formatCents(line.quantity * line.unitPriceCents)}`,
  );
  const summary = [
    `Subtotal: ${formatCents(totals.subtotalCents)}`,
    ...(totals.discountCents > 0 ? [`Discount: -${formatCents(totals.discountCents)}`] : []),
    `Tax: ${formatCents(totals.taxCents)}`,
    `Total: ${formatCents(totals.totalCents)}`,
  ];
  return {
    recipient: data.customerId,
    messages: [
      {
        channel: 'email',
        subject: `Order ${data.orderId} confirmed`,
        body: [`Thank you for your order ${data.orderId}.`, '', ...lines, '', ...summary].join('\n'),
      },
      {
        channel: 'push',
        subject: 'Order confirmed',
        body: `Your order ${data.orderId} of ${formatCents(totals.totalCents)} is confirmed.`,
      },
    ],
  };
}

const FAILURE_ADVICE: Readonly<Record<DataOf<'CheckoutFailed.v1'>['code'], string>> = {
  OUT_OF_STOCK: 'Please update your cart and try again.',
  PAYMENT_DECLINED: 'Please try another payment method.',
  INVALID_CART: 'Please review your cart and try again.',
  INTERNAL: 'Please try again in a few minutes.',
};

function checkoutFailed(data: DataOf<'CheckoutFailed.v1'>): CustomerNotifications {
  const advice = FAILURE_ADVICE[data.code];
  const reason = withFullStop(data.message);
  return {
    recipient: data.customerId,
    messages: [
      {
        channel: 'email',
        subject: 'Your checkout could not be completed',
        body: `We could not complete your checkout ${data.checkoutId}. ${reason} ${advice}`,
      },
      {
        channel: 'sms',
        subject: 'Checkout failed',
        body: truncate(`Your checkout could not be completed: ${reason} ${advice}`, SMS_MAX_LENGTH),
      },
    ],
  };
}

function refundIssued(data: DataOf<'RefundIssued.v1'>): CustomerNotifications {
  return {
    recipient: data.customerId,
    messages: [
      {
        channel: 'email',
        subject: `Refund for order ${data.orderId}`,
        body:
          `We refunded ${formatCents(data.amountCents)} for order ${data.orderId} (refund ${data.refundId}). ` +
          `Refunded on this order so far: ${formatCents(data.refundedCents)}.`,
      },
    ],
  };
}

/** Where a channel reaches the customer: e-mail and SMS from their contact; push goes to the customer's devices by id. */
export function addressOn(channel: ChannelName, contact: CustomerContact | undefined): string | undefined {
  if (channel === 'email') return contact?.email;
  if (channel === 'sms') return contact?.phone;
  return undefined;
}

/**
 * An address as the notification log may keep it: enough for support to tell which address of a customer was used
 * (`a***@example.com`, `+*******0100`), not enough to reach them, so the log holds no contact in clear.
 */
export function maskedAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at > 0) return `${address[0]}***${address.slice(at)}`;
  const visibleDigits = 4;
  return `${address.slice(0, 1)}${'*'.repeat(Math.max(0, address.length - 1 - visibleDigits))}${address.slice(-visibleDigits)}`;
}

/** `123456` → `$1,234.56`. Integer arithmetic only: money never goes through floating point. */
export function formatCents(cents: number): string {
  if (!Number.isInteger(cents)) throw new RangeError(`Cents must be an integer, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  const dollars = Math.floor(absolute / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const remainder = (absolute % 100).toString().padStart(2, '0');
  return `${sign}$${dollars}.${remainder}`;
}

function withFullStop(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
