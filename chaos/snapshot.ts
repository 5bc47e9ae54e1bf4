/**
 * Reads what the invariants are checked against, through the unchanged AWS SDK clients pointed at the local cloud:
 * the checkout context's tables (the simulated payment provider's ledger among them), the state machine's executions,
 * and the depth of every dead-letter queue.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import {
  SIMULATED_GATEWAY_CHARGE,
  SIMULATED_GATEWAY_PREFIX,
  SIMULATED_GATEWAY_REFUND_PREFIX,
} from '../functions/checkout/adapters/simulated-payment-gateway.js';
import { AUDIT_EVENT_GUARD_PREFIX } from '../functions/platform/adapters/dynamo-audit-log.js';
import type { Meter } from '../functions/provisioning/domain/usage.js';
import { redriveDeadLetterQueue } from '../tools/dead-letter-queues.js';
import { type ReplayResult, replayParkedStates } from '../tools/saga-replay.js';
import { type ResendResult, resendUndeliveredEvents } from '../tools/undelivered-events.js';
import type { ChaosProduct } from './checkout-plan.js';
import type {
  CheckoutRow,
  ClientRecord,
  NotificationRow,
  OrderRow,
  PaymentRow,
  ProductRow,
  ProviderChargeRow,
  ProviderRefundRow,
  RefundRow,
  ReservationRow,
  Snapshot,
} from './invariants.js';
import type { LifecycleRecord } from './provisioning-driver.js';
import type {
  AuditRow,
  CapacityRow,
  ProvisioningSnapshot,
  ResourceRow,
  TenantRow,
  UsageRow,
} from './provisioning-invariants.js';

export interface CloudAddress {
  readonly endpoint: string;
  readonly region: string;
  readonly output: (name: string) => string;
}

/** Queues whose messages failed for good, by stack output; each is counted in the report. */
const DEAD_LETTER_QUEUE_OUTPUTS = [
  'CompensationDlqUrl',
  'NotificationsDlqUrl',
  'CheckoutRequestsDlqUrl',
  'UndeliveredEventsQueueUrl',
  'AuditDlqUrl',
  'UndeliveredAuditEventsUrl',
  'ProvisioningCompensationDlqUrl',
  'WorkerDlqUrl',
] as const;

export class StoreReader {
  private readonly config;
  private readonly documents: DynamoDBDocumentClient;
  private readonly sfn: SFNClient;
  private readonly sqs: SQSClient;
  private readonly lambda: LambdaClient;

  constructor(private readonly cloud: CloudAddress) {
    this.config = {
      endpoint: cloud.endpoint,
      region: cloud.region,
      credentials: { accessKeyId: 'chaos', secretAccessKey: 'chaos' },
    };
    this.documents = DynamoDBDocumentClient.from(new DynamoDBClient(this.config));
    this.sfn = new SFNClient(this.config);
    this.sqs = new SQSClient(this.config);
    this.lambda = new LambdaClient(this.config);
  }

  async snapshot(catalog: readonly ChaosProduct[], clients: readonly ClientRecord[]): Promise<Snapshot> {
    const skus = new Set(catalog.map((product) => product.sku));
    const [catalogRows, reservations, orders, paymentRows, checkouts, notifications, executions] = await Promise.all([
      this.scan<ProductRow>('CatalogTableName'),
      this.scan<ReservationRow>('ReservationsTableName'),
      this.scan<OrderRow>('OrdersTableName'),
      this.scan<Record<string, unknown>>('PaymentsTableName'),
      this.scan<CheckoutRow>('CheckoutsTableName'),
      this.scan<NotificationRow>('NotificationsTableName'),
      this.executionsByStatus(),
    ]);
    return {
      catalog,
      products: catalogRows.filter((product) => skus.has(product.sku)),
      reservations,
      orders,
      payments: paymentRows
        .filter((row) => String(row.pk).startsWith('PAYMENT#') && row.sk === 'PAYMENT')
        .map((row) => row as unknown as PaymentRow),
      refunds: paymentRows
        .filter((row) => String(row.pk).startsWith('PAYMENT#') && String(row.sk).startsWith('REFUND#'))
        .map((row) => row as unknown as RefundRow),
      // The simulated gateway keeps the provider's ledger in the same table, under its own partitions.
      providerCharges: paymentRows
        .filter((row) => String(row.pk).startsWith(SIMULATED_GATEWAY_PREFIX) && row.sk === SIMULATED_GATEWAY_CHARGE)
        .map((row) => row as unknown as ProviderChargeRow),
      providerRefunds: paymentRows
        .filter(
          (row) =>
            String(row.pk).startsWith(SIMULATED_GATEWAY_PREFIX) &&
            String(row.sk).startsWith(SIMULATED_GATEWAY_REFUND_PREFIX),
        )
        .map((row) => row as unknown as ProviderRefundRow),
      checkouts,
      notifications,
      executions,
      clients,
    };
  }

  /**
   * Runs the billing job up to now, as its hourly schedule would (an invocation outside any saga: no fault meets
   * it), then reads the provisioning context's tables.
   */
  async provisioningSnapshot(lifecycles: readonly LifecycleRecord[]): Promise<ProvisioningSnapshot> {
    const billedUpTo = new Date().toISOString();
    const billing = await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.cloud.output('AggregateUsageFunctionName'),
        Payload: JSON.stringify({
          version: '0',
          id: `chaos-billing-${Date.now()}`,
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account: '000000000000',
          time: billedUpTo,
          region: this.cloud.region,
          resources: [],
          detail: {},
        }),
      }),
    );
    if (billing.FunctionError) {
      throw new Error(`The billing job failed: ${Buffer.from(billing.Payload ?? []).toString('utf8')}`);
    }
    const [resources, tenants, capacity, meters, usage, audit] = await Promise.all([
      this.scan<ResourceRow>('ResourcesTableName'),
      this.scan<TenantRow>('TenantsTableName'),
      this.scan<CapacityRow>('CapacityTableName'),
      this.scan<Meter>('MetersTableName'),
      this.scan<UsageRow>('UsageTableName'),
      this.scan<AuditRow>('AuditTableName'),
    ]);
    const records = audit.filter((row) => !row.srn.startsWith(AUDIT_EVENT_GUARD_PREFIX));
    return { resources, tenants, capacity, meters, usage, audit: records, billedUpTo, lifecycles };
  }

  /** Moves a consumer DLQ's messages back to its queue, as `npm run dlq -- redrive` does; answers how many moved. */
  async redrive(output: string): Promise<number> {
    return (await redriveDeadLetterQueue(this.sqs, this.cloud.output(output), { pollIntervalMs: 250 })).moved;
  }

  /** Sends the events an EventBridge target DLQ holds back to their targets, as `npm run dlq -- resend` does. */
  resend(output: string): Promise<ResendResult[]> {
    return resendUndeliveredEvents(this.sqs, this.cloud.output(output));
  }

  /** Replays every saga state parked in the compensation DLQ named by `output`, as `npm run dlq -- replay` does. */
  replayParked(output: string): Promise<ReplayResult[]> {
    return replayParkedStates({ sqs: this.sqs, sfn: this.sfn }, this.cloud.output(output), { pollIntervalMs: 250 });
  }

  /** Messages in every dead-letter queue, by stack output name. */
  async deadLetterDepths(): Promise<Record<string, number>> {
    const depths: Record<string, number> = {};
    for (const name of DEAD_LETTER_QUEUE_OUTPUTS) {
      const { Attributes } = await this.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.cloud.output(name),
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      depths[name] =
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    }
    return depths;
  }

  close(): void {
    this.documents.destroy();
    this.sfn.destroy();
    this.sqs.destroy();
    this.lambda.destroy();
  }

  private async scan<T>(tableOutput: string): Promise<T[]> {
    const items: T[] = [];
    const pages = paginateScan(
      { client: this.documents },
      { TableName: this.cloud.output(tableOutput), ConsistentRead: true },
    );
    for await (const page of pages) items.push(...((page.Items ?? []) as T[]));
    return items;
  }

  private async executionsByStatus(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: this.cloud.output('CheckoutStateMachineArn'),
          maxResults: 1000,
          nextToken,
        }),
      );
      for (const execution of page.executions ?? []) {
        const status = execution.status ?? 'UNKNOWN';
        counts[status] = (counts[status] ?? 0) + 1;
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return counts;
  }
}
