/** What the checkout use cases need: the checkout records and the saga that runs each checkout. */
import type { CheckoutStatus } from '../../../shared/contracts/checkout-api.js';
import type { CheckoutSagaInput } from '../../../shared/contracts/checkout-saga.js';
import type { TaxLocation, Totals } from '../../../shared/contracts/common.js';
import type { SagaExecutionStatus } from '../../../shared/saga/execution-status.js';
import type { CheckoutFailure, ExecutionHistoryEvent } from '../domain/checkout-outcome.js';

// Defined once in shared/saga; named here too because the Step Functions adapter narrows the SDK's status to it.
export type { SagaExecutionStatus };

export interface CheckoutRecord {
  readonly checkoutId: string;
  readonly customerId: string;
  readonly tenantId: string;
  readonly cartId: string;
  /**
   * What the customer pays with, kept here and not in the saga's state (ADR 0029) until the checkout settles:
   * ProcessPayment reads it, and COMPLETED or FAILED removes it. Absent, too, on records written before ADR 0029.
   */
  readonly paymentToken?: string;
  /**
   * Which tax applies (the address's country and region, in clear): read by PriceCart. Absent on records written
   * before ADR 0040, which held the whole `shippingAddress` in clear instead.
   */
  readonly taxLocation?: TaxLocation;
  /**
   * The full shipping address and the contact, sealed (`PersonalDataCipher`) for this record's tenant and checkout
   * id: what only the notifications and the owner's order view open (ADR 0040).
   */
  readonly personalData?: string;
  readonly status: CheckoutStatus;
  /** Absent only between the record's creation and the saga's start. */
  readonly executionArn?: string;
  readonly totals?: Totals;
  readonly orderId?: string;
  readonly failure?: CheckoutFailure;
  readonly createdAt: string;
  readonly updatedAt: string;
}

type NewCheckout = Pick<CheckoutRecord, 'checkoutId' | 'customerId' | 'tenantId' | 'cartId' | 'createdAt'> & {
  readonly paymentToken: string;
  readonly taxLocation: TaxLocation;
  readonly personalData: string;
};

export interface Checkouts {
  /**
   * Creates the record as RUNNING, or reports the record already stored under this id (an earlier attempt of the same
   * request, or the same key reused for another cart: the caller tells which).
   */
  createOrFind(checkout: NewCheckout): Promise<{ readonly record: CheckoutRecord; readonly created: boolean }>;
  attachExecution(checkoutId: string, executionArn: string, at: string): Promise<void>;
  find(checkoutId: string): Promise<CheckoutRecord | undefined>;
  /**
   * RUNNING → COMPLETED, and the payment token is gone. Already COMPLETED is success (a repeated step); any other
   * status is a ConflictError.
   */
  complete(checkoutId: string, outcome: { orderId: string; totals: Totals }, at: string): Promise<void>;
  /** → FAILED, and the payment token is gone. Already FAILED is success (a repeated step). */
  fail(
    checkoutId: string,
    outcome: { failure: CheckoutFailure; totals?: Totals | undefined },
    at: string,
  ): Promise<void>;
}

/** What a saga step may do with the checkouts: read one (its payment token, its tax location, its sealed data). */
export type CheckoutReader = Pick<Checkouts, 'find'>;

export interface CheckoutSaga {
  /**
   * Starts the saga as an execution named after the checkout id and returns its ARN; if an execution of that name
   * exists already (an earlier attempt started it), returns that one's ARN.
   */
  start(input: CheckoutSagaInput): Promise<{ executionArn: string }>;
  /** `undefined` when the execution does not exist (never started, or past Step Functions' retention). */
  status(executionArn: string): Promise<SagaExecutionStatus | undefined>;
  /** Every history event, oldest first; empty when the execution does not exist. */
  history(executionArn: string): Promise<ExecutionHistoryEvent[]>;
}

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
