import type { StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { OrderPlaced, RefundIssued } from '../../shared/contracts/events/checkout-events.js';
import { ResourceProvisioned } from '../../shared/contracts/events/provisioning-events.js';
import { EVENT_SOURCES } from '../../shared/contracts/events/sources.js';
import { queueEnv, type Settings } from '../../shared/environment.js';
import type { WebhookStageOptions } from '../config/stages.js';
import { tuning } from '../config/tuning.js';
import { BoundedContextStack, type CommandSpec, type PlatformResources } from '../constructs/bounded-context-stack.js';
import { QueueWithDlq } from '../constructs/queue-with-dlq.js';
import type { StageSettings } from '../constructs/stage-settings.js';

export interface WebhooksStackProps extends StackProps {
  /** The stage's data protection and logging. @default KEEP_EVERYTHING */
  readonly stage?: StageSettings;
  /** Shared bus, key, idempotency table and alarm topic. */
  readonly platform: PlatformResources;
  /** Where the stage differs from `tuning.webhooks`. @default HTTPS only, tuning's retry schedule */
  readonly delivery?: WebhookStageOptions;
}

type WebhooksTable = 'webhooks' | 'deliveries' | 'endpointSlots' | 'orderTenants';
type Needs = Omit<CommandSpec<WebhooksTable>, 'on' | 'description'>;

/**
 * The webhooks bounded context: tenants register HTTPS endpoints for some platform events; a rule on the bus routes
 * those events to a fan-out, which logs one delivery per subscribed webhook and queues it; a deliverer signs each with
 * the webhook's secret (HMAC-SHA256) and POSTs it, retrying with exponential backoff and jitter for about a day
 * (SQS `ChangeMessageVisibility`), then dead-letters it. Signing secrets are sealed by a KMS key of this stack that
 * only the deliverer may decrypt with (docs/adr/0036-webhook-delivery.md, docs/webhooks.md).
 */
export class WebhooksStack extends BoundedContextStack<WebhooksTable> {
  /** Seals the webhooks' signing secrets; registration and rotation encrypt, the deliverer alone decrypts. */
  readonly secretKey: Key;
  readonly deliveryQueue: QueueWithDlq;
  readonly fanOutQueue: QueueWithDlq;
  /** Where EventBridge puts events that the fan-out's queue kept refusing. */
  readonly undeliveredEvents: Queue;

  constructor(scope: Construct, id: string, props: WebhooksStackProps) {
    super(scope, id, {
      ...props,
      service: 'webhooks',
      publishesAs: [EVENT_SOURCES.webhooks],
      tables: {
        webhooks: {
          partitionKey: 'webhookId',
          indexes: [{ name: 'byTenant', partitionKey: 'tenantId', sortKey: 'webhookId' }],
        },
        deliveries: { partitionKey: 'webhookId', sortKey: 'deliveryId' },
        endpointSlots: { partitionKey: 'slotId' },
        orderTenants: { partitionKey: 'orderId' },
      },
    });
    this.secretKey = new Key(this, 'WebhookSecretKey', {
      description: 'Seals webhook signing secrets (encryption context: tenantId, webhookId)',
      enableKeyRotation: true,
      removalPolicy: this.stage.removalPolicy,
    });
    const delivery = props.delivery;
    const settings: Settings = {
      WEBHOOK_SECRET_KEY_ID: this.secretKey.keyArn,
      WEBHOOK_LOOPBACK_HTTP: delivery?.allowLoopbackHttp ? 'on' : 'off',
      WEBHOOK_RETRY_SCHEDULE: JSON.stringify(delivery?.retrySchedule ?? tuning.webhooks.retrySchedule),
      WEBHOOK_REQUEST_TIMEOUT_MS: String(tuning.webhooks.requestTimeoutSeconds * 1000),
      WEBHOOK_ENDPOINT_CONCURRENCY: String(tuning.webhooks.endpointConcurrency),
      WEBHOOK_BUSY_RETRY_SECONDS: String(tuning.webhooks.busyEndpointRetrySeconds),
      WEBHOOK_SECRET_OVERLAP_SECONDS: String(tuning.webhooks.secretOverlapSeconds),
    };

    // The deliverer: one message per invocation, so a slow endpoint holds up no other delivery of its batch.
    const deliverer = this.command('DeliverWebhook', {
      on: 'worker',
      description: 'Signs and POSTs one webhook delivery; backs off and retries, then dead-letters',
      reads: ['webhooks'],
      writes: ['deliveries', 'endpointSlots'],
      environment: settings,
    });
    this.secretKey.grantDecrypt(deliverer);
    this.deliveryQueue = new QueueWithDlq(this, 'DeliveryQueue', {
      consumer: deliverer,
      encryptionKey: this.platform.dataKey,
      alarmTopic: this.platform.alarmTopic,
      removalPolicy: this.stage.removalPolicy,
      batchSize: 1,
      maxConcurrency: tuning.webhooks.maxConcurrency,
      maxReceiveCount: tuning.webhooks.maxReceiveCount,
    });
    const deliveries = this.deliveryQueue.queue;
    // Its URL only, for ChangeMessageVisibility (granted with the event source): the deliverer sends nothing there.
    deliverer.addEnvironment(queueEnv('WEBHOOK_DELIVERY'), deliveries.queueUrl);

    // The fan-out: the events partners may subscribe to, each from the context that owns it (one rule per source).
    const fanOut = this.command('FanOutWebhookEvents', {
      on: 'events',
      description: "Logs and queues one delivery per webhook of the event's tenant",
      reads: ['webhooks'],
      writes: ['deliveries', 'orderTenants'],
      sendsTo: { WEBHOOK_DELIVERY: deliveries },
    });
    this.fanOutQueue = this.consumerQueue('FanOutQueue', fanOut);
    this.undeliveredEvents = this.terminalQueue('UndeliveredEvents', 'the webhook fan-out rule targets');
    this.routeEvents('CheckoutEventsRule', [OrderPlaced, RefundIssued], this.fanOutQueue, this.undeliveredEvents);
    this.routeEvents('ProvisioningEventsRule', [ResourceProvisioned], this.fanOutQueue, this.undeliveredEvents);

    // API handlers: each route of the webhooks contract names its command; changes are audited.
    const admin = (name: string, description: string, needs: Needs) =>
      this.command(name, { on: 'api', description, ...needs });
    const register = admin('RegisterWebhook', 'POST /webhooks', {
      writes: ['webhooks'],
      publishes: true,
      environment: settings,
    });
    const rotate = admin('RotateWebhookSecret', 'POST /webhooks/{webhookId}/secret', {
      writes: ['webhooks'],
      publishes: true,
      environment: settings,
    });
    for (const sealer of [register, rotate]) this.secretKey.grant(sealer, 'kms:Encrypt');
    admin('ListWebhooks', 'GET /webhooks', { reads: ['webhooks'] });
    admin('GetWebhook', 'GET /webhooks/{webhookId}', { reads: ['webhooks'] });
    admin('DeleteWebhook', 'DELETE /webhooks/{webhookId}', { writes: ['webhooks'], publishes: true });
    admin('ListWebhookDeliveries', 'GET /webhooks/{webhookId}/deliveries', { reads: ['webhooks', 'deliveries'] });
    admin('RedeliverWebhookDelivery', 'POST /webhooks/{webhookId}/deliveries/{deliveryId}/redeliver', {
      reads: ['webhooks'],
      writes: ['deliveries'],
      sendsTo: { WEBHOOK_DELIVERY: deliveries },
    });

    const output = this.output.bind(this);
    output('WebhookSecretKeyArn', this.secretKey.keyArn);
    output('WebhookDeliveryQueueUrl', deliveries.queueUrl);
    output('WebhookDeliveryDlqUrl', this.deliveryQueue.deadLetterQueue.queueUrl);
    output('WebhookFanOutQueueUrl', this.fanOutQueue.queue.queueUrl);
    output('WebhookFanOutDlqUrl', this.fanOutQueue.deadLetterQueue.queueUrl);
    output('WebhookUndeliveredEventsUrl', this.undeliveredEvents.queueUrl);
    output('DeliverWebhookFunctionName', deliverer.functionName);
  }
}
