import { describe, expect, it } from 'vitest';
import {
  compensationRefundIdFor,
  orderIdFor,
  paymentIdFor,
  requestedRefundIdFor,
} from '../../../../functions/checkout/domain/ids.js';
import { Identifier } from '../../../../shared/contracts/common.js';

describe('identifiers', () => {
  it('derives payment, order and compensation refund ids from the checkout', () => {
    // Assess
    expect(paymentIdFor('chk_1')).toBe('pay_chk_1');
    expect(orderIdFor('chk_1')).toBe('ord_chk_1');
    expect(compensationRefundIdFor('chk_1')).toBe('ref_saga_chk_1');
  });

  it('derives a stable, valid refund id per caller and key', () => {
    // Act
    const first = requestedRefundIdFor('agent-sam', 'key-00000001');

    // Assess
    expect(requestedRefundIdFor('agent-sam', 'key-00000001')).toBe(first);
    expect(requestedRefundIdFor('agent-zoe', 'key-00000001')).not.toBe(first);
    expect(requestedRefundIdFor('agent-sam', 'key-00000002')).not.toBe(first);
    expect(Identifier.safeParse(first).success).toBe(true);
  });
});
