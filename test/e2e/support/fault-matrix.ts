/**
 * The fault matrix: every fault kind once, at every step and every compensation of the checkout saga, each in a saga
 * of its own. The end-to-end local cloud boots with these targets (they hit only the matrix's sagas, by correlation
 * ID), and `fault-matrices/checkout.ts` runs the sagas and checks the chaos run's invariants on them. The payment provider's
 * own faults come last: a saga each, paying with the simulated gateway's token for the fault.
 */
import type { CheckoutSagaPlan } from '../../../chaos/checkout-plan.js';
import { FAULT_KINDS, type FaultKind, type FaultTarget } from '../../../local-cloud/faults/fault-plan.js';

export const MATRIX_PRODUCT = { sku: 'MATRIX-PRODUCT', name: 'Fault matrix product', priceCents: 2500, stock: 1000 };

/** The forward steps and the success record, in saga order: a fault there must be absorbed, the checkout completes. */
const FORWARD_TASKS = [
  'PriceCartFn',
  'ReserveInventoryFn',
  'ProcessPaymentFn',
  'CreateOrderFn',
  'ClearCartFn',
  'CompleteCheckoutFn',
] as const;

/**
 * The compensations and the failure record. To make them run, the saga's last step (ClearCart) fails for good; the
 * fault under test then hits the compensation, which must still undo everything.
 */
const COMPENSATION_TASKS = ['CancelOrderFn', 'RefundPaymentFn', 'ReleaseInventoryFn', 'FailCheckoutFn'] as const;

/** More invocations than ClearCart's retries make: it fails for good. */
const FORCED_FAILURE: Omit<FaultTarget, 'saga'> = { kind: 'lambda.failBeforeHandler', where: 'ClearCartFn', times: 10 };

/**
 * Faults of deliveries between services, not of a step's calls: each is aimed at the customer's notifications (the
 * queue the saga's outcome event is delivered to, and its consumer's receives), in a saga that completes. An event
 * its target refused reaches the customer only once the operator resent it from the rule's dead-letter queue.
 */
const DELIVERY_KINDS: readonly FaultKind[] = [
  'eventbridge.duplicateDelivery',
  'sqs.delayedDelivery',
  'sqs.visibilityExpired',
  'eventbridge.targetRefused',
];
export const NOTIFICATION_QUEUE = 'NotificationQueue';

/**
 * Step Functions' callback kinds meet only `.waitForTaskToken` tasks, which the checkout saga has none of: the
 * provisioning matrix (provisioning-fault-matrix.ts) aims them at its worker tasks.
 */
export const CALLBACK_KINDS: readonly FaultKind[] = (Object.keys(FAULT_KINDS) as FaultKind[]).filter((kind) =>
  kind.startsWith('stepfunctions.'),
);

/**
 * Kinds that cannot meet a task, because the task makes no call where AWS raises them: a transaction conflict needs
 * a transactional write, and these tasks write only tables no transaction writes (or read only).
 */
const NOT_APPLICABLE: Readonly<Partial<Record<FaultKind, readonly string[]>>> = {
  'dynamodb.transactionConflict': [
    'PriceCartFn',
    'ProcessPaymentFn',
    'ClearCartFn',
    'CompleteCheckoutFn',
    'FailCheckoutFn',
  ],
};

/**
 * The payment provider's faults, chosen by the token the checkout pays with (the simulated gateway's test cards), not
 * injected by the local cloud: each checkout must complete, charged once, the provider's ledger agreeing with ours.
 */
const GATEWAY_FAULTS = {
  'gateway.timeoutAfterCapture': 'tok_timeoutAfterCapture',
  'gateway.slowAnswer': 'tok_slowAnswer',
} as const;
export type GatewayFault = keyof typeof GATEWAY_FAULTS;

export function isGatewayFault(kind: string): kind is GatewayFault {
  return kind in GATEWAY_FAULTS;
}

export interface MatrixCase {
  /** A fault kind of the local cloud's, or of the payment provider's (then `targets` is empty). */
  readonly kind: FaultKind | GatewayFault;
  readonly task: string;
  readonly expected: 'COMPLETED' | 'FAILED';
  readonly plan: CheckoutSagaPlan;
  readonly targets: readonly FaultTarget[];
}

export const MATRIX_CASES: readonly MatrixCase[] = (() => {
  const cases: MatrixCase[] = [];
  const add = (kind: FaultKind | GatewayFault, task: string, expected: MatrixCase['expected']) => {
    if (!isGatewayFault(kind) && NOT_APPLICABLE[kind]?.includes(task)) return;
    const index = cases.length;
    const saga = `matrix-case-${String(index).padStart(3, '0')}`;
    const targets: FaultTarget[] = isGatewayFault(kind) ? [] : [{ kind, saga, where: task }];
    if (expected === 'FAILED') targets.push({ ...FORCED_FAILURE, saga });
    cases.push({
      kind,
      task,
      expected,
      targets,
      plan: {
        index,
        correlationId: saga,
        customer: `matrix-customer-${index}`,
        cartId: `matrix-cart-${index}`,
        lines: [{ sku: MATRIX_PRODUCT.sku, quantity: 1 }],
        discountCode: undefined,
        paymentToken: isGatewayFault(kind) ? GATEWAY_FAULTS[kind] : 'tok_visa',
        refunds: [],
      },
    });
  };
  for (const kind of Object.keys(FAULT_KINDS) as FaultKind[]) {
    if (CALLBACK_KINDS.includes(kind)) continue;
    if (DELIVERY_KINDS.includes(kind)) {
      add(kind, NOTIFICATION_QUEUE, 'COMPLETED');
      continue;
    }
    for (const task of FORWARD_TASKS) add(kind, task, 'COMPLETED');
    for (const task of COMPENSATION_TASKS) add(kind, task, 'FAILED');
  }
  for (const kind of Object.keys(GATEWAY_FAULTS) as GatewayFault[]) add(kind, 'ProcessPaymentFn', 'COMPLETED');
  return cases;
})();

export const MATRIX_FAULT_TARGETS: readonly FaultTarget[] = MATRIX_CASES.flatMap((matrixCase) => matrixCase.targets);
