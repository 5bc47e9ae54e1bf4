import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import {
  IntegrationPattern,
  JitterType,
  JsonPath,
  type StateMachine,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { TRANSIENT_ERROR_NAMES } from '../../shared/errors.js';
import type { StageConfig } from '../config/stages.js';
import { tuning } from '../config/tuning.js';
import { AppFunction } from '../constructs/app-function.js';
import { AppTable } from '../constructs/app-table.js';
import { QueueWithDlq, terminalQueue } from '../constructs/queue-with-dlq.js';
import { retryWith, Saga } from '../constructs/saga.js';
import type { PlatformStack } from './platform-stack.js';

export interface ProvisioningStackProps extends StackProps {
  readonly config: StageConfig;
  readonly platform: PlatformStack;
}

export interface ProvisioningApiHandlers {
  readonly createProject: AppFunction;
  readonly getProject: AppFunction;
  readonly requestResource: AppFunction;
  readonly getResource: AppFunction;
  readonly deleteResource: AppFunction;
  readonly getUsage: AppFunction;
}

const SERVICE = 'provisioning';

/**
 * The provisioning bounded context: tenants, projects, resources, capacity, billing meters and usage in its own tables;
 * a provisioning saga and a deprovisioning saga on Standard workflows that hand the slow part to a worker fleet through
 * a queue and a task token; a scheduled billing worker.
 */
export class ProvisioningStack extends Stack {
  readonly tables: Readonly<
    Record<'tenants' | 'projects' | 'resources' | 'capacity' | 'meters' | 'usage' | 'workerFleet', ITableV2>
  >;
  readonly api: ProvisioningApiHandlers;
  readonly provisionStateMachine: StateMachine;
  readonly deprovisionStateMachine: StateMachine;
  readonly workerQueue: QueueWithDlq;
  readonly compensationDlq: Queue;

  constructor(scope: Construct, id: string, props: ProvisioningStackProps) {
    super(scope, id, props);
    const { platform } = props;
    const encryptionKey = platform.dataKey;
    const table = (tableId: string, partitionKey: string, sortKey?: string) =>
      new AppTable(this, tableId, { partitionKey, sortKey, encryptionKey, stage: props.config }).table;
    const meters = new AppTable(this, 'Meters', {
      stage: props.config,
      partitionKey: 'resourceId',
      sortKey: 'meterId',
      encryptionKey,
      indexes: [{ name: 'byProject', partitionKey: 'projectId', sortKey: 'meterId' }],
    }).table;
    this.tables = {
      tenants: table('Tenants', 'tenantId'),
      projects: table('Projects', 'projectId'),
      resources: table('Resources', 'resourceId'),
      capacity: table('Capacity', 'pk'),
      meters,
      usage: table('Usage', 'projectId', 'period'),
      workerFleet: table('WorkerFleet', 'slot'),
    };
    const { tenants, projects, resources, capacity, usage, workerFleet } = this.tables;

    const fn = (fnId: string, entry: string, description: string, environment: Record<string, string> = {}) =>
      new AppFunction(this, fnId, {
        stage: props.config,
        entry: `functions/provisioning/handlers/${entry}.ts`,
        description,
        serviceName: SERVICE,
        environment,
      }).bindIdempotency(platform.idempotencyTable);
    const quotaEnvironment = { DEFAULT_TENANT_QUOTAS: JSON.stringify(tuning.provisioning.defaultTenantQuota) };

    // Saga steps.
    const validateRequest = fn(
      'ValidateRequestFn',
      'saga/validate-request',
      'Checks project ownership and the resource',
    )
      .bindTable('PROJECTS', projects, 'read')
      .bindTable('RESOURCES', resources, 'read');
    // Quota and capacity steps record what they hold on the resource in the same transaction, which makes a repeat,
    // or a compensation of something never reserved, a no-op.
    const reserveQuota = fn('ReserveQuotaFn', 'saga/reserve-quota', "Reserves the tenant's quota", quotaEnvironment)
      .bindTable('TENANTS', tenants, 'readWrite')
      .bindTable('RESOURCES', resources, 'readWrite');
    const releaseQuota = fn('ReleaseQuotaFn', 'saga/release-quota', "Compensation: releases the tenant's quota")
      .bindTable('TENANTS', tenants, 'readWrite')
      .bindTable('RESOURCES', resources, 'readWrite');
    const reserveCapacity = fn(
      'ReserveCapacityFn',
      'saga/reserve-capacity',
      'Reserves capacity of the region and flavor',
    )
      .bindTable('CAPACITY', capacity, 'readWrite')
      .bindTable('RESOURCES', resources, 'readWrite');
    const releaseCapacity = fn('ReleaseCapacityFn', 'saga/release-capacity', 'Compensation: releases capacity')
      .bindTable('CAPACITY', capacity, 'readWrite')
      .bindTable('RESOURCES', resources, 'readWrite');
    const attachStorage = fn('AttachStorageFn', 'saga/attach-storage', 'Attaches storage to the resource').bindTable(
      'RESOURCES',
      resources,
      'readWrite',
    );
    const detachStorage = fn('DetachStorageFn', 'saga/detach-storage', 'Compensation: detaches storage').bindTable(
      'RESOURCES',
      resources,
      'readWrite',
    );
    const configureNetwork = fn(
      'ConfigureNetworkFn',
      'saga/configure-network',
      'Records the network of the resource',
    ).bindTable('RESOURCES', resources, 'readWrite');
    const startBilling = fn('StartBillingFn', 'saga/start-billing', 'Starts the billing meter').bindTable(
      'METERS',
      meters,
      'readWrite',
    );
    const stopBilling = fn('StopBillingFn', 'saga/stop-billing', 'Stops the billing meter').bindTable(
      'METERS',
      meters,
      'readWrite',
    );
    const markActive = fn('MarkActiveFn', 'saga/mark-active', 'Records an ACTIVE resource')
      .bindTable('RESOURCES', resources, 'readWrite')
      .bindEventBus(platform.eventBus);
    const markFailed = fn('MarkFailedFn', 'saga/mark-failed', 'Records a FAILED resource with its code')
      .bindTable('RESOURCES', resources, 'readWrite')
      .bindEventBus(platform.eventBus);
    const markDeleted = fn('MarkDeletedFn', 'saga/mark-deleted', 'Records a DELETED resource')
      .bindTable('RESOURCES', resources, 'readWrite')
      .bindEventBus(platform.eventBus);

    const markDeprovisionFailed = fn(
      'MarkDeprovisionFailedFn',
      'saga/mark-deprovision-failed',
      'Records a resource whose deprovisioning failed',
    )
      .bindTable('RESOURCES', resources, 'readWrite')
      .bindEventBus(platform.eventBus);

    // The worker fleet: simulated node agents that take commands from a queue and answer with the task token. A
    // command is sent only once it holds one of the fleet's slots (docs/adr/0017-worker-slots.md), so a burst waits
    // in the saga's retries, not in the queue where the task's heartbeat clock would already run.
    const fleet = tuning.provisioning.workerMaxConcurrency;
    const slotLease = {
      WORKER_LEASE_SECONDS: String(tuning.provisioning.workerHeartbeatSeconds),
    };
    const nodeAgent = fn(
      'NodeAgentFn',
      'worker/node-agent',
      'Simulated node agent: provisions and destroys resources',
      {
        WORKER_DURATION_MS: String(tuning.provisioning.simulatedWorkMs),
        WORKER_HEARTBEAT_MS: String(tuning.provisioning.simulatedHeartbeatMs),
        ...slotLease,
      },
    ).bindTable('WORKER_FLEET', workerFleet, 'readWrite');
    this.workerQueue = new QueueWithDlq(this, 'WorkerQueue', {
      removalPolicy: props.config.removalPolicy,
      encryptionKey,
      alarmTopic: platform.alarmTopic,
      consumer: nodeAgent,
      batchSize: tuning.provisioning.workerBatchSize,
      maxConcurrency: fleet,
    });
    const dispatcher = fn(
      'DispatchWorkerCommandFn',
      'saga/dispatch-worker-command',
      'Sends a worker command once a worker slot is free',
      { WORKER_FLEET_SIZE: String(fleet), ...slotLease },
    )
      .bindTable('WORKER_FLEET', workerFleet, 'readWrite')
      .bindQueue('WORKER', this.workerQueue.queue);
    const dispatch =
      (command: 'provision' | 'destroy') =>
      (sagaScope: Construct, taskId: string, { resultPath, comment }: { resultPath: string; comment?: string }) => {
        const task = new LambdaInvoke(sagaScope, taskId, {
          comment,
          lambdaFunction: dispatcher,
          integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          payload: TaskInput.fromObject({
            command,
            taskToken: JsonPath.taskToken,
            resourceId: JsonPath.stringAt('$.resourceId'),
            srn: JsonPath.stringAt('$.srn'),
            flavor: JsonPath.stringAt('$.flavor'),
            region: JsonPath.stringAt('$.region'),
            type: JsonPath.stringAt('$.type'),
            correlationId: JsonPath.stringAt('$.correlationId'),
          }),
          retryOnServiceExceptions: false,
          heartbeatTimeout: Timeout.duration(Duration.seconds(tuning.provisioning.workerHeartbeatSeconds)),
          taskTimeout: Timeout.duration(Duration.seconds(tuning.provisioning.workerTaskTimeoutSeconds)),
          resultPath,
        });
        // First, before the saga's own retriers: a busy fleet is waited out, with jitter so that waiting sagas do
        // not all come back at once.
        retryWith(task, tuning.retry.workerFleetBusy, ['WorkerFleetBusyError']);
        if (command === 'provision') {
          // An agent whose attempt failed (crashed, throttled, met its own lost write) gets its command back only
          // after the worker queue's visibility timeout, long after the heartbeat: replace it once, with a new
          // command and token, before presuming the fleet cannot do it (a hung agent is then waited on twice).
          retryWith(task, tuning.retry.silentWorker, ['States.HeartbeatTimeout'], JitterType.NONE);
        }
        return task;
      };

    const terminal = (queueId: string, whose: string) =>
      terminalQueue(this, queueId, {
        encryptionKey,
        alarmTopic: platform.alarmTopic,
        whose,
        removalPolicy: props.config.removalPolicy,
      });
    this.compensationDlq = terminal('CompensationDlq', 'provisioning compensations that exhausted their retries');
    const sagaProps = {
      stepRetry: tuning.retry.transient,
      compensationRetry: tuning.retry.compensation,
      publishRetry: tuning.retry.publish,
      compensationDlq: this.compensationDlq,
      eventBus: platform.eventBus,
      timeout: Duration.minutes(tuning.saga.provisioningTimeoutMinutes),
      stage: props.config,
    };
    // Transient errors of the dispatcher; a missed heartbeat has its own retrier in `dispatch`.
    const workerRetry = [...TRANSIENT_ERROR_NAMES];

    this.provisionStateMachine = new Saga(this, 'ProvisionSaga', sagaProps)
      .step({ name: 'ValidateRequest', handler: validateRequest }, { resultPath: '$.validation' })
      .step(
        { name: 'ReserveQuota', handler: reserveQuota },
        { resultPath: '$.quota', compensateWith: { name: 'ReleaseQuota', handler: releaseQuota } },
      )
      .step(
        { name: 'ReserveCapacity', handler: reserveCapacity },
        { resultPath: '$.capacity', compensateWith: { name: 'ReleaseCapacity', handler: releaseCapacity } },
      )
      .step(
        { name: 'DispatchToWorker', task: dispatch('provision') },
        {
          resultPath: '$.worker',
          retryOn: workerRetry,
          compensateWith: { name: 'DestroyResource', task: dispatch('destroy') },
        },
      )
      .step(
        { name: 'AttachStorage', handler: attachStorage },
        { resultPath: '$.storage', compensateWith: { name: 'DetachStorage', handler: detachStorage } },
      )
      .step({ name: 'ConfigureNetwork', handler: configureNetwork }, { resultPath: '$.network' })
      .step(
        { name: 'StartBilling', handler: startBilling },
        { resultPath: '$.meter', compensateWith: { name: 'StopBilling', handler: stopBilling } },
      )
      .build({
        success: { recordWith: { name: 'MarkActive', handler: markActive }, publishName: 'PublishResourceProvisioned' },
        failure: { recordWith: { name: 'MarkFailed', handler: markFailed }, publishName: 'PublishProvisioningFailed' },
      });

    // Deprovisioning walks the same steps backwards; nothing to compensate on the way down, a failure is recorded.
    this.deprovisionStateMachine = new Saga(this, 'DeprovisionSaga', sagaProps)
      .step({ name: 'StopBilling', handler: stopBilling })
      .step({ name: 'DetachStorage', handler: detachStorage })
      // A worker that died mid-task (no heartbeat) is replaced: the command is sent again, with a new task token.
      // Destroying is idempotent, and a deletion must finish, or the resource keeps its quota and capacity.
      .step(
        { name: 'DestroyResource', task: dispatch('destroy') },
        { retryOn: [...workerRetry, 'States.HeartbeatTimeout'] },
      )
      .step({ name: 'ReleaseCapacity', handler: releaseCapacity })
      .step({ name: 'ReleaseQuota', handler: releaseQuota })
      .build({
        success: { recordWith: { name: 'MarkDeleted', handler: markDeleted }, publishName: 'PublishResourceDeleted' },
        // Its own function: MarkFailed moves a resource from PROVISIONING or ACTIVE only, and would refuse this one.
        failure: {
          recordWith: { name: 'MarkDeprovisionFailed', handler: markDeprovisionFailed },
          publishName: 'PublishDeprovisioningFailed',
        },
      });
    for (const machine of [this.provisionStateMachine, this.deprovisionStateMachine])
      machine.grantTaskResponse(nodeAgent);

    // API handlers. Each may publish audit events (creations, deletions, and denials of a role).
    const apiFn = (fnId: string, entry: string, description: string, environment?: Record<string, string>) =>
      fn(fnId, entry, description, environment).bindEventBus(platform.eventBus);
    const createProject = apiFn('CreateProjectFn', 'api/create-project', 'POST /projects').bindTable(
      'PROJECTS',
      projects,
      'readWrite',
    );
    const getProject = apiFn('GetProjectFn', 'api/get-project', 'GET /projects/{projectId}').bindTable(
      'PROJECTS',
      projects,
      'read',
    );
    const requestResource = apiFn(
      'RequestResourceFn',
      'api/request-resource',
      'POST /projects/{projectId}/resources',
      quotaEnvironment,
    )
      .bindTable('PROJECTS', projects, 'read')
      .bindTable('TENANTS', tenants, 'read')
      .bindTable('RESOURCES', resources, 'readWrite')
      .bindStateMachine('PROVISION', this.provisionStateMachine, ['start']);
    const getResource = apiFn('GetResourceFn', 'api/get-resource', 'GET /resources/{resourceId}')
      .bindTable('RESOURCES', resources, 'read')
      .bindStateMachine('PROVISION', this.provisionStateMachine, ['read'])
      .bindStateMachine('DEPROVISION', this.deprovisionStateMachine, ['read']);
    const deleteResource = apiFn('DeleteResourceFn', 'api/delete-resource', 'DELETE /resources/{resourceId}')
      .bindTable('RESOURCES', resources, 'readWrite')
      .bindStateMachine('DEPROVISION', this.deprovisionStateMachine, ['start']);
    const getUsage = apiFn('GetUsageFn', 'api/get-usage', 'GET /projects/{projectId}/usage')
      .bindTable('PROJECTS', projects, 'read')
      .bindTable('USAGE', usage, 'read');
    this.api = { createProject, getProject, requestResource, getResource, deleteResource, getUsage };

    // Billing: every hour, meters become usage lines.
    const billing = fn('AggregateUsageFn', 'billing/aggregate-usage', 'Turns billing meters into hourly usage lines')
      .bindTable('METERS', meters, 'read')
      .bindTable('USAGE', usage, 'put');
    const billingDlq = terminal('BillingDlq', 'the billing schedule');
    // The rule's DLQ catches events Lambda refused; a run that Lambda accepted and that then failed is retried and, if
    // it still fails, sent to the same queue, so a broken billing run always raises the DLQ alarm.
    billing.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(billingDlq) });
    new Rule(this, 'BillingSchedule', {
      description: 'Runs the billing worker',
      schedule: Schedule.expression(tuning.provisioning.billingSchedule),
      targets: [
        new LambdaFunction(billing, {
          retryAttempts: 2,
          deadLetterQueue: billingDlq,
        }),
      ],
    });

    const output = (outputId: string, value: string) => new CfnOutput(this, outputId, { value });
    for (const [name, contextTable] of Object.entries(this.tables)) {
      output(`${name[0]?.toUpperCase()}${name.slice(1)}TableName`, contextTable.tableName);
    }
    output('ProvisionStateMachineArn', this.provisionStateMachine.stateMachineArn);
    output('DeprovisionStateMachineArn', this.deprovisionStateMachine.stateMachineArn);
    output('WorkerQueueUrl', this.workerQueue.queue.queueUrl);
    output('WorkerDlqUrl', this.workerQueue.deadLetterQueue.queueUrl);
    output('ProvisioningCompensationDlqUrl', this.compensationDlq.queueUrl);
    output('AggregateUsageFunctionName', billing.functionName);
    output('BillingDlqUrl', billingDlq.queueUrl);
  }
}
