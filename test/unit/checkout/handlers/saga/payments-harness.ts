/** Fixtures of the ProcessPayment and RefundPayment step tests: the stored payment, the provider's charge, the command. */
import { PRICING, SAGA_INPUT } from '../../commerce-harness.js';

export const paymentKey = { pk: 'PAYMENT#pay_chk_0001', sk: 'PAYMENT' };
export const gatewayChargeKey = { pk: 'SIMULATED_GATEWAY#chk_0001', sk: 'CHARGE' };
export const providerCharge = {
  ...gatewayChargeKey,
  checkoutId: 'chk_0001',
  chargeReference: 'sim_ch_chk_0001',
  amountCents: 16084,
};
export const command = { ...SAGA_INPUT, pricing: PRICING };
export const storedPayment = {
  ...paymentKey,
  paymentId: 'pay_chk_0001',
  checkoutId: 'chk_0001',
  customerId: SAGA_INPUT.customerId,
  tenantId: SAGA_INPUT.tenantId,
  amountCents: 16084,
  refundedCents: 0,
  status: 'CAPTURED',
  createdAt: '2026-01-01T00:00:00.000Z',
};
