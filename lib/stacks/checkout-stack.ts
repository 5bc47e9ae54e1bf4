import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { CheckoutRequested, NOTIFIABLE_EVENTS } from '../../shared/contracts/events/checkout-events.js';
import type { StageConfig } from '../config/stages.js';
import { tuning } from '../config/tuning.js';
import { AppFunction } from '../constructs/app-function.js';
import { AppTable } from '../constructs/app-table.js';
import { routeEventsToQueue } from '../constructs/event-route.js';
import { QueueWithDlq, terminalQueue } from '../constructs/queue-with-dlq.js';
import { Saga } from '../constructs/saga.js';
import type { PlatformStack } from './platform-stack.js';

export interface CheckoutStackProps extends StackProps {
  readonly config: StageConfig;
  /** Shared bus, key, idempotency table and alarm topic. */
  readonly platform: PlatformStack;
}

/** The API handlers of the checkout context, keyed by what they serve; the API stack wires them to routes. */
export interface CheckoutApiHandlers {
  readonly listProducts: AppFunction;
  readonly getProduct: AppFunction;
  readonly putCartItem: AppFunction;
  readonly removeCartItem: AppFunction;
  readonly getCart: AppFunction;
  readonly startCheckout: AppFunction;
  readonly getCheckout: AppFunction;
  readonly getOrder: AppFunction;
  readonly requestRefund: AppFunction;
}

const SERVICE = 'checkout';

/**
 * The checkout bounded context: its own tables (database per service), one Lambda per command, the checkout saga,
 * the event entry for automated agents, and customer notifications.
 */
export class CheckoutStack extends Stack {
  readonly tables: Readonly<
    Record<'catalog' | 'carts' | 'reservations' | 'payments' | 'orders' | 'checkouts' | 'notifications', ITableV2>
  >;
  readonly api: CheckoutApiHandlers;
  readonly stateMachine: StateMachine;
  readonly queues: { readonly notifications: QueueWithDlq; readonly checkoutRequests: QueueWithDlq };
  readonly compensationDlq: Queue;
  /** Where EventBridge puts events that this context's rule targets kept refusing. */
  readonly undeliveredEvents: Queue;

  constructor(scope: Construct, id: string, props: CheckoutStackProps) {
    super(scope, id, props);
    const { platform } = props;
    const encryptionKey = platform.dataKey;
    const table = (tableId: string, partitionKey: string, sortKey?: string) =>
      new AppTable(this, tableId, { partitionKey, sortKey, encryptionKey, stage: props.config }).table;

    this.tables = {
      catalog: table('Catalog', 'sku'),
      carts: table('Carts', 'cartId'),
      reservations: table('Reservations', 'checkoutId'),
      payments: table('Payments', 'pk', 'sk'),
      orders: table('Orders', 'orderId'),
      checkouts: table('Checkouts', 'checkoutId'),
      notifications: table('Notifications', 'recipient', 'sk'),
    };
    const { catalog, carts, reservations, payments, orders, checkouts, notifications } = this.tables;

    const fn = (fnId: string, entry: string, description: string) =>
      new AppFunction(this, fnId, {
        stage: props.config,
        entry: `functions/checkout/handlers/${entry}.ts`,
        description,
        serviceName: SERVICE,
      }).bindIdempotency(platform.idempotencyTable);

    // Saga steps, each with exactly the access its command needs.
    const priceCart = fn('PriceCartFn', 'saga/price-cart', 'Prices a cart: subtotal, discount and tax')
      .bindTable('CARTS', carts, 'read')
      .bindTable('CATALOG', catalog, 'read');
    const reserveInventory = fn(
      'ReserveInventoryFn',
      'saga/reserve-inventory',
      'Reserves every SKU of a checkout in one transaction',
    )
      .bindTable('CATALOG', catalog, 'readWrite')
      .bindTable('RESERVATIONS', reservations, 'readWrite');
    const releaseInventory = fn('ReleaseInventoryFn', 'saga/release-inventory', 'Compensation: returns reserved stock')
      .bindTable('CATALOG', catalog, 'readWrite')
      .bindTable('RESERVATIONS', reservations, 'readWrite');
    const processPayment = fn(
      'ProcessPaymentFn',
      'saga/process-payment',
      'Charges the payment token through the gateway',
    ).bindTable('PAYMENTS', payments, 'readWrite');
    const refundPayment = fn(
      'RefundPaymentFn',
      'saga/refund-payment',
      'Compensation: refunds what remains of a payment',
    )
      .bindTable('PAYMENTS', payments, 'readWrite')
      .bindTable('ORDERS', orders, 'readWrite')
      .bindEventBus(platform.eventBus);
    const createOrder = fn('CreateOrderFn', 'saga/create-order', 'Places the order and commits the reservation')
      .bindTable('ORDERS', orders, 'readWrite')
      .bindTable('RESERVATIONS', reservations, 'readWrite')
      .bindTable('CATALOG', catalog, 'readWrite');
    const cancelOrder = fn(
      'CancelOrderFn',
      'saga/cancel-order',
      'Compensation: cancels the order, holds the stock again',
    )
      .bindTable('ORDERS', orders, 'readWrite')
      .bindTable('RESERVATIONS', reservations, 'readWrite')
      .bindTable('CATALOG', catalog, 'readWrite');
    const clearCart = fn('ClearCartFn', 'saga/clear-cart', 'Empties the cart of a placed order').bindTable(
      'CARTS',
      carts,
      'readWrite',
    );
    const completeCheckout = fn(
      'CompleteCheckoutFn',
      'saga/complete-checkout',
      'Records a completed checkout',
    ).bindTable('CHECKOUTS', checkouts, 'readWrite');
    const failCheckout = fn(
      'FailCheckoutFn',
      'saga/fail-checkout',
      'Records a failed checkout with its failure code',
    ).bindTable('CHECKOUTS', checkouts, 'readWrite');

    const terminal = (queueId: string, whose: string) =>
      terminalQueue(this, queueId, {
        encryptionKey,
        alarmTopic: platform.alarmTopic,
        whose,
        removalPolicy: props.config.removalPolicy,
      });
    this.compensationDlq = terminal('CompensationDlq', 'saga compensations that exhausted their retries');
    this.undeliveredEvents = terminal('UndeliveredEvents', 'EventBridge rule targets of this context');

    const saga = new Saga(this, 'CheckoutSaga', {
      stage: props.config,
      stepRetry: tuning.retry.transient,
      compensationRetry: tuning.retry.compensation,
      publishRetry: tuning.retry.publish,
      compensationDlq: this.compensationDlq,
      eventBus: platform.eventBus,
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
      .step({ name: 'ClearCart', handler: clearCart });
    this.stateMachine = saga.build({
      success: {
        recordWith: { name: 'CompleteCheckout', handler: completeCheckout },
        publishName: 'PublishOrderPlaced',
      },
      failure: { recordWith: { name: 'FailCheckout', handler: failCheckout }, publishName: 'PublishCheckoutFailed' },
    });

    // API handlers.
    const listProducts = fn('ListProductsFn', 'api/list-products', 'GET /products').bindTable(
      'CATALOG',
      catalog,
      'read',
    );
    const getProduct = fn('GetProductFn', 'api/get-product', 'GET /products/{sku}').bindTable(
      'CATALOG',
      catalog,
      'read',
    );
    const putCartItem = fn('PutCartItemFn', 'api/put-cart-item', 'PUT /carts/{cartId}/items/{sku}')
      .bindTable('CARTS', carts, 'readWrite')
      .bindTable('CATALOG', catalog, 'read');
    const removeCartItem = fn('RemoveCartItemFn', 'api/remove-cart-item', 'DELETE /carts/{cartId}/items/{sku}')
      .bindTable('CARTS', carts, 'readWrite')
      .bindTable('CATALOG', catalog, 'read');
    const getCart = fn('GetCartFn', 'api/get-cart', 'GET /carts/{cartId}')
      .bindTable('CARTS', carts, 'read')
      .bindTable('CATALOG', catalog, 'read');
    const startCheckout = fn('StartCheckoutFn', 'api/start-checkout', 'POST /checkouts: starts the checkout saga')
      .bindTable('CARTS', carts, 'read')
      .bindTable('CHECKOUTS', checkouts, 'readWrite')
      .bindStateMachine('CHECKOUT', this.stateMachine, ['start']);
    const getCheckout = fn('GetCheckoutFn', 'api/get-checkout', 'GET /checkouts/{checkoutId}')
      .bindTable('CHECKOUTS', checkouts, 'read')
      .bindStateMachine('CHECKOUT', this.stateMachine, ['read']);
    const getOrder = fn('GetOrderFn', 'api/get-order', 'GET /orders/{orderId}').bindTable('ORDERS', orders, 'read');
    const requestRefund = fn('RequestRefundFn', 'api/request-refund', 'POST /orders/{orderId}/refunds')
      .bindTable('ORDERS', orders, 'readWrite')
      .bindTable('PAYMENTS', payments, 'readWrite')
      .bindEventBus(platform.eventBus);
    this.api = {
      listProducts,
      getProduct,
      putCartItem,
      removeCartItem,
      getCart,
      startCheckout,
      getCheckout,
      getOrder,
      requestRefund,
    };

    // Event entry: CheckoutRequested.v1 from any source runs the same use case as POST /checkouts.
    const checkoutRequested = fn(
      'CheckoutRequestedFn',
      'events/checkout-requested',
      'Starts checkouts requested by events',
    )
      .bindTable('CARTS', carts, 'read')
      .bindTable('CHECKOUTS', checkouts, 'readWrite')
      .bindStateMachine('CHECKOUT', this.stateMachine, ['start']);
    const checkoutRequests = new QueueWithDlq(this, 'CheckoutRequestQueue', {
      removalPolicy: props.config.removalPolicy,
      encryptionKey,
      alarmTopic: platform.alarmTopic,
      consumer: checkoutRequested,
    });
    routeEventsToQueue(this, 'CheckoutRequestedRule', {
      eventBus: platform.eventBus,
      detailTypes: [CheckoutRequested.detailType],
      queue: checkoutRequests.queue,
      deadLetterQueue: this.undeliveredEvents,
    });

    // Notifications: every customer-facing outcome goes through one queue to the channels.
    const notifyCustomer = fn(
      'NotifyCustomerFn',
      'events/notify-customer',
      'Notifies customers by email, sms and push',
    ).bindTable('NOTIFICATIONS', notifications, 'readWrite');
    const notificationQueue = new QueueWithDlq(this, 'NotificationQueue', {
      removalPolicy: props.config.removalPolicy,
      encryptionKey,
      alarmTopic: platform.alarmTopic,
      consumer: notifyCustomer,
    });
    routeEventsToQueue(this, 'NotifyCustomerRule', {
      eventBus: platform.eventBus,
      detailTypes: NOTIFIABLE_EVENTS.map((event) => event.detailType),
      queue: notificationQueue.queue,
      deadLetterQueue: this.undeliveredEvents,
    });
    this.queues = { notifications: notificationQueue, checkoutRequests };

    // Outputs are how tests, tools and operators find resources without knowing physical names.
    const output = (outputId: string, value: string) => new CfnOutput(this, outputId, { value });
    for (const [name, tableOfContext] of Object.entries(this.tables)) {
      output(`${name[0]?.toUpperCase()}${name.slice(1)}TableName`, tableOfContext.tableName);
    }
    output('CheckoutStateMachineArn', this.stateMachine.stateMachineArn);
    output('NotificationsQueueUrl', notificationQueue.queue.queueUrl);
    output('NotificationsDlqUrl', notificationQueue.deadLetterQueue.queueUrl);
    output('CheckoutRequestsQueueUrl', checkoutRequests.queue.queueUrl);
    output('CheckoutRequestsDlqUrl', checkoutRequests.deadLetterQueue.queueUrl);
    output('CompensationDlqUrl', this.compensationDlq.queueUrl);
    output('UndeliveredEventsQueueUrl', this.undeliveredEvents.queueUrl);
    output('ReserveInventoryFunctionName', reserveInventory.functionName);
    output('ProcessPaymentFunctionName', processPayment.functionName);
    output('RefundPaymentFunctionName', refundPayment.functionName);
  }
}
