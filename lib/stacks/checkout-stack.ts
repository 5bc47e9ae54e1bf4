import { Duration, type StackProps } from 'aws-cdk-lib';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { CheckoutRequested, NOTIFIABLE_EVENTS } from '../../shared/contracts/events/checkout-events.js';
import { EVENT_SOURCES } from '../../shared/contracts/events/sources.js';
import { type JwtVerificationConfig, tokenTrustSettings } from '../config/stages.js';
import { tuning } from '../config/tuning.js';
import { BoundedContextStack, type CommandSpec, type PlatformResources } from '../constructs/bounded-context-stack.js';
import type { QueueWithDlq } from '../constructs/queue-with-dlq.js';
import { Saga } from '../constructs/saga.js';
import type { StageSettings } from '../constructs/stage-settings.js';

export interface CheckoutStackProps extends StackProps {
  /** The stage's data protection and logging. @default KEEP_EVERYTHING */
  readonly stage?: StageSettings;
  /** Shared bus, key, idempotency table and alarm topic. */
  readonly platform: PlatformResources;
  /** The identity provider that signs agents' proofs (CheckoutRequested.v1): the stage's, as the API trusts it. */
  readonly tokenTrust: JwtVerificationConfig;
  /**
   * What agents' own tokens (service accounts' platform tokens) are verified against: the platform issuer, the API
   * audience and the identity stack's signing key, whose public half the consumer reads (docs/adr/0038 §8).
   */
  readonly agentTokens: { readonly issuer: string; readonly audience: string; readonly signingKey: IKey };
}

type CheckoutTable = 'catalog' | 'carts' | 'reservations' | 'payments' | 'orders' | 'checkouts' | 'notifications';
type Needs = Omit<CommandSpec<CheckoutTable>, 'on' | 'description'>;

/**
 * The checkout bounded context: its own tables (database per service), one Lambda per command, the checkout saga,
 * the event entry for automated agents, and customer notifications.
 */
export class CheckoutStack extends BoundedContextStack<CheckoutTable> {
  readonly stateMachine: StateMachine;
  readonly queues: { readonly notifications: QueueWithDlq; readonly checkoutRequests: QueueWithDlq };
  readonly compensationDlq: Queue;
  /** Where EventBridge puts events that this context's rule targets kept refusing. */
  readonly undeliveredEvents: Queue;
  /** Seals the personal data of checkouts; only the commands that declare it may use it, each one way. */
  readonly personalDataKey: Key;

  constructor(scope: Construct, id: string, props: CheckoutStackProps) {
    super(scope, id, {
      ...props,
      service: 'checkout',
      publishesAs: [EVENT_SOURCES.checkout],
      tables: {
        catalog: { partitionKey: 'sku' },
        carts: { partitionKey: 'cartId' },
        reservations: { partitionKey: 'checkoutId' },
        payments: { partitionKey: 'pk', sortKey: 'sk' },
        orders: { partitionKey: 'orderId' },
        checkouts: { partitionKey: 'checkoutId' },
        notifications: { partitionKey: 'recipient', sortKey: 'sk' },
      },
    });

    // Personal data (the full shipping address, the contact) is sealed per checkout under a key of its own
    // (docs/adr/0040-personal-data-is-envelope-encrypted.md): the platform's data key encrypts the tables at rest, so
    // every function that reads a table may decrypt with it; this one only the commands that declare it.
    const personalDataKey = new Key(this, 'PersonalDataKey', {
      description: `sagastack ${this.stage.name}: personal data of checkouts (envelope encryption)`,
      enableKeyRotation: true,
      removalPolicy: this.stage.removalPolicy,
    });
    this.personalDataKey = personalDataKey;

    // Saga steps, each with exactly the access its command needs.
    const saga = (name: string, description: string, needs: Needs = {}) =>
      this.command(name, { on: 'saga', description, ...needs });
    // The shipping address and the payment token are on the checkout record, not in the saga's state (ADR 0029).
    const priceCart = saga('PriceCart', 'Prices a cart: subtotal, discount and tax', {
      reads: ['carts', 'catalog', 'checkouts'],
    });
    const reserveInventory = saga('ReserveInventory', 'Reserves every SKU of a checkout in one transaction', {
      writes: ['catalog', 'reservations'],
    });
    const releaseInventory = saga('ReleaseInventory', 'Compensation: returns reserved stock', {
      writes: ['catalog', 'reservations'],
    });
    const processPayment = saga('ProcessPayment', 'Charges the payment token through the gateway', {
      reads: ['checkouts'],
      writes: ['payments'],
      // The simulated gateway's fault tokens answer as documented only where the stage offers test behaviour.
      environment: this.testBehaviourSetting(),
    });
    const refundPayment = saga('RefundPayment', 'Compensation: refunds what remains of a payment', {
      writes: ['payments', 'orders'],
      publishes: true,
    });
    const createOrder = saga('CreateOrder', 'Places the order and commits the reservation', {
      writes: ['orders', 'reservations', 'catalog'],
    });
    const cancelOrder = saga('CancelOrder', 'Compensation: cancels the order, holds the stock again', {
      writes: ['orders', 'reservations', 'catalog'],
    });
    const clearCart = saga('ClearCart', 'Empties the cart of a placed order', { writes: ['carts'] });
    const completeCheckout = saga('CompleteCheckout', 'Records a completed checkout', { writes: ['checkouts'] });
    const failCheckout = saga('FailCheckout', 'Records a failed checkout with its failure code', {
      writes: ['checkouts'],
    });

    this.compensationDlq = this.terminalQueue('CompensationDlq', 'saga compensations that exhausted their retries');
    this.undeliveredEvents = this.terminalQueue('UndeliveredEvents', 'EventBridge rule targets of this context');

    this.stateMachine = new Saga(this, 'CheckoutSaga', {
      stage: this.stage,
      compensationDlq: this.compensationDlq,
      eventBus: this.platform.eventBus,
      publishesAs: this.eventSources,
      timeout: Duration.minutes(tuning.saga.checkoutTimeoutMinutes),
    })
      .step({ name: 'PriceCart', handler: priceCart }, { resultPath: '$.pricing' })
      .step(
        { name: 'ReserveInventory', handler: reserveInventory },
        { resultPath: '$.reservation', compensateWith: { name: 'ReleaseInventory', handler: releaseInventory } },
      )
      .step(
        { name: 'ProcessPayment', handler: processPayment },
        { resultPath: '$.payment', compensateWith: { name: 'RefundPayment', handler: refundPayment } },
      )
      .step(
        { name: 'CreateOrder', handler: createOrder },
        { resultPath: '$.order', compensateWith: { name: 'CancelOrder', handler: cancelOrder } },
      )
      .step({ name: 'ClearCart', handler: clearCart })
      .build({
        success: {
          recordWith: { name: 'CompleteCheckout', handler: completeCheckout },
          publishName: 'PublishOrderPlaced',
        },
        failure: { recordWith: { name: 'FailCheckout', handler: failCheckout }, publishName: 'PublishCheckoutFailed' },
      });

    // API handlers: each route of the API contract names its command (shared/contracts/api-routes.ts).
    const api = (name: string, description: string, needs: Needs) =>
      this.command(name, { on: 'api', description, ...needs });
    const checkoutSaga = { CHECKOUT: this.stateMachine };
    api('ListProducts', 'GET /products', { reads: ['catalog'] });
    api('GetProduct', 'GET /products/{sku}', { reads: ['catalog'] });
    api('PutCartItem', 'PUT /carts/{cartId}/items/{sku}', { writes: ['carts'], reads: ['catalog'] });
    api('RemoveCartItem', 'DELETE /carts/{cartId}/items/{sku}', { writes: ['carts'], reads: ['catalog'] });
    api('GetCart', 'GET /carts/{cartId}', { reads: ['carts', 'catalog'] });
    api('StartCheckout', 'POST /checkouts: starts the checkout saga', {
      reads: ['carts'],
      writes: ['checkouts'],
      starts: checkoutSaga,
      encryptsPersonalData: personalDataKey,
    });
    api('GetCheckout', 'GET /checkouts/{checkoutId}', { reads: ['checkouts'], observes: checkoutSaga });
    // The order's customer sees where it ships: the one API reader of personal data.
    api('GetOrder', 'GET /orders/{orderId}', { reads: ['orders', 'checkouts'], decryptsPersonalData: personalDataKey });
    api('RequestRefund', 'POST /orders/{orderId}/refunds', { writes: ['orders', 'payments'], publishes: true });

    // Event entry: CheckoutRequested.v1 from any source runs the same use case as POST /checkouts.
    const checkoutRequested = this.command('CheckoutRequested', {
      on: 'events',
      description: 'Starts checkouts that agents request with a delegation proof',
      reads: ['carts'],
      writes: ['checkouts'],
      starts: checkoutSaga,
      encryptsPersonalData: personalDataKey,
      // The proof is verified against the same issuer and keys as the API's tokens (docs/adr/0027), the agent's own
      // token against the platform key, as the authorizer verifies it (docs/adr/0038-service-accounts.md §8).
      environment: {
        ...tokenTrustSettings(props.tokenTrust),
        PLATFORM_TOKEN_ISSUER: props.agentTokens.issuer,
        PLATFORM_TOKEN_AUDIENCE: props.agentTokens.audience,
        PLATFORM_SIGNING_KEY_ARN: props.agentTokens.signingKey.keyArn,
      },
    });
    props.agentTokens.signingKey.grant(checkoutRequested, 'kms:GetPublicKey');
    const checkoutRequests = this.consumerQueue('CheckoutRequestQueue', checkoutRequested);
    this.routeEvents('CheckoutRequestedRule', [CheckoutRequested], checkoutRequests, this.undeliveredEvents);

    // Notifications: every customer-facing outcome goes through one queue to the channels.
    const notifyCustomer = this.command('NotifyCustomer', {
      on: 'events',
      description: 'Notifies customers by email, sms and push',
      writes: ['notifications'],
      // The contact is on the checkout (a refund's via its order), sealed.
      reads: ['orders', 'checkouts'],
      decryptsPersonalData: personalDataKey,
    });
    const notifications = this.consumerQueue('NotificationQueue', notifyCustomer);
    this.routeEvents('NotifyCustomerRule', NOTIFIABLE_EVENTS, notifications, this.undeliveredEvents);
    this.queues = { notifications, checkoutRequests };

    const output = this.output.bind(this);
    output('CheckoutStateMachineArn', this.stateMachine.stateMachineArn);
    output('NotificationsQueueUrl', notifications.queue.queueUrl);
    output('NotificationsDlqUrl', notifications.deadLetterQueue.queueUrl);
    output('CheckoutRequestsQueueUrl', checkoutRequests.queue.queueUrl);
    output('CheckoutRequestsDlqUrl', checkoutRequests.deadLetterQueue.queueUrl);
    output('CompensationDlqUrl', this.compensationDlq.queueUrl);
    output('UndeliveredEventsQueueUrl', this.undeliveredEvents.queueUrl);
    output('ReserveInventoryFunctionName', reserveInventory.functionName);
    output('ProcessPaymentFunctionName', processPayment.functionName);
    output('RefundPaymentFunctionName', refundPayment.functionName);
  }
}
