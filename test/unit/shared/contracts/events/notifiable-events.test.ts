import { describe, expect, it } from 'vitest';
import { NotifiableEventEnvelope } from '../../../../../shared/contracts/events/notifiable-events.js';
import { envelope } from '../../../checkout/checkouts-harness.js';

describe('NotifiableEventEnvelope', () => {
  it('refuses an event it does not notify about', () => {
    // Act
    const parsed = NotifiableEventEnvelope.safeParse(envelope('OrderShipped.v1', { orderId: 'ord_1' }));

    // Assess
    expect(parsed.success).toBe(false);
  });

  it('refuses a known detail-type whose data does not match it', () => {
    // Act
    const parsed = NotifiableEventEnvelope.safeParse(envelope('RefundIssued.v1', { orderId: 'ord_1' }));

    // Assess
    expect(parsed.success).toBe(false);
  });
});
