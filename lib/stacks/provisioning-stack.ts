import { Duration, type StackProps } from 'aws-cdk-lib';
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
import { EVENT_SOURCES } from '../../shared/contracts/events/sources.js';
import { TRANSIENT_ERROR_NAMES } from '../../shared/errors.js';
import { tuning } from '../config/tuning.js';
import { BoundedContextStack, type CommandSpec, type PlatformResources } from '../constructs/bounded-context-stack.js';
import type { QueueWithDlq } from '../constructs/queue-with-dlq.js';
import { retryWith, Saga } from '../constructs/saga.js';
import type { StageSettings } from '../constructs/stage-settings.js';

export interface ProvisioningStackProps extends StackProps {
  /** The stage's data protection and logging. @default KEEP_EVERYTHING */
  readonly stage?: StageSettings;
  /** Shared bus, key, idempotency table and alarm topic. */
  readonly platform: PlatformResources;
}

type ProvisioningTable = 'tenants' | 'projects' | 'resources' | 'capacity' | 'meters' | 'usage' | 'workerFleet';
type Needs = Omit<CommandSpec<ProvisioningTable>, 'on' | 'description'>;

/**
 * The provisioning bounded context: tenants, projects, resources, capacity, billing meters and usage in its own tables;
 * a provisioning saga and a deprovisioning saga on Standard workflows that hand the slow part to a worker fleet through
 * a queue and a task token; a scheduled billing worker.
 */
export class ProvisioningStack extends BoundedContextStack<ProvisioningTable> {
  readonly provisionStateMachine: StateMachine;
  readonly deprovisionStateMachine: StateMachine;
  readonly workerQueue: QueueWithDlq;
  readonly compensationDlq: Queue;

  constructor(scope: Construct, id: string, props: ProvisioningStackProps) {
    super(scope, id, {
      ...props,
      service: 'provisioning',
      publishesAs: [EVENT_SOURCES.provisioning],
      tables: {
        tenants: { partitionKey: 'tenantId' },
        projects: { partitionKey: 'projectId' },
        resources: { partitionKey: 'resourceId' },
        capacity: { partitionKey: 'pk' },
        meters: {
          partitionKey: 'resourceId',
          sortKey: 'meterId',
          indexes: [{ name: 'byProject', partitionKey: 'projectId', sortKey: 'meterId' }],
        },
        usage: { partitionKey: 'projectId', sortKey: 'period' },
        workerFleet: { partitionKey: 'slot' },
      },
    });
    const quotaEnvironment = { DEFAULT_TENANT_QUOTAS: JSON.stringify(tuning.provisioning.defaultTenantQuota) };

    // Saga steps. Quota and capacity steps record what they hold on the resource in the same transaction, which makes
    // a repeat, or a compensation of something never reserved, a no-op.
    const saga = (name: string, description: string, needs: Needs) =>
      this.command(name, { on: 'saga', description, ...needs });
    const validateRequest = saga('ValidateRequest', 'Checks project ownership and the resource', {
      reads: ['projects', 'resources'],
    });
    const reserveQuota = saga('ReserveQuota', "Reserves the tenant's quota", {
      writes: ['tenants', 'resources'],
      environment: quotaEnvironment,
    });
    const releaseQuota = saga('ReleaseQuota', "Compensation: releases the tenant's quota", {
      writes: ['tenants', 'resources'],
    });
    const reserveCapacity = saga('ReserveCapacity', 'Reserves capacity of the region and flavor', {
      writes: ['capacity', 'resources'],
    });
    const releaseCapacity = saga('ReleaseCapacity', 'Compensation: releases capacity', {
      writes: ['capacity', 'resources'],
    });
    const attachStorage = saga('AttachStorage', 'Attaches storage to the resource', { writes: ['resources'] });
    const detachStorage = saga('DetachStorage', 'Compensation: detaches storage', { writes: ['resources'] });
    const configureNetwork = saga('ConfigureNetwork', 'Records the network of the resource', { writes: ['resources'] });
    const startBilling = saga('StartBilling', 'Starts the billing meter', { writes: ['meters'] });
    const stopBilling = saga('StopBilling', 'Stops the billing meter', { writes: ['meters'] });
    const outcome = (name: string, description: string) =>
      saga(name, description, { writes: ['resources'], publishes: true });
    const markActive = outcome('MarkActive', 'Records an ACTIVE resource');
    const markFailed = outcome('MarkFailed', 'Records a FAILED resource with its code');
    const markDeleted = outcome('MarkDeleted', 'Records a DELETED resource');
    const markDeprovisionFailed = outcome('MarkDeprovisionFailed', 'Records a resource whose deprovisioning failed');

    // The worker fleet: simulated node agents that take commands from a queue and answer with the task token. A
    // command is sent only once it holds one of the fleet's slots (docs/adr/0017-worker-slots.md), so a burst waits
    // in the saga's retries, not in the queue where the task's heartbeat clock would already run.
    const fleet = tuning.provisioning.workerMaxConcurrency;
    const slotLease = {
      WORKER_LEASE_SECONDS: String(tuning.provisioning.workerHeartbeatSeconds),
    };
    const nodeAgent = this.command('NodeAgent', {
      on: 'worker',
      description: 'Simulated node agent: provisions and destroys resources',
      writes: ['workerFleet'],
      environment: {
        WORKER_DURATION_MS: String(tuning.provisioning.simulatedWorkMs),
        WORKER_HEARTBEAT_MS: String(tuning.provisioning.simulatedHeartbeatMs),
        ...slotLease,
      },
    });
    this.workerQueue = this.consumerQueue('WorkerQueue', nodeAgent, {
      batchSize: tuning.provisioning.workerBatchSize,
      maxConcurrency: fleet,
    });
    const dispatcher = saga('DispatchWorkerCommand', 'Sends a worker command once a worker slot is free', {
      writes: ['workerFleet'],
      sendsTo: { WORKER: this.workerQueue.queue },
      environment: { WORKER_FLEET_SIZE: String(fleet), ...slotLease },
    });
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

    this.compensationDlq = this.terminalQueue(
      'CompensationDlq',
      'provisioning compensations that exhausted their retries',
    );
    const sagaProps = {
      compensationDlq: this.compensationDlq,
      eventBus: this.platform.eventBus,
      publishesAs: this.eventSources,
      timeout: Duration.minutes(tuning.saga.provisioningTimeoutMinutes),
      stage: this.stage,
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
        // Kept for ReleaseCapacity, which checks the answer before anything is released.
        { resultPath: '$.destruction', retryOn: [...workerRetry, 'States.HeartbeatTimeout'] },
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

    // API handlers: each route of the API contract names its command. Each may publish audit events (creations,
    // deletions, and denials of a role).
    const api = (name: string, description: string, needs: Needs) =>
      this.command(name, { on: 'api', description, publishes: true, ...needs });
    const provision = { PROVISION: this.provisionStateMachine };
    const deprovision = { DEPROVISION: this.deprovisionStateMachine };
    api('CreateProject', 'POST /projects', { writes: ['projects'] });
    api('GetProject', 'GET /projects/{projectId}', { reads: ['projects'] });
    api('RequestResource', 'POST /projects/{projectId}/resources', {
      reads: ['projects', 'tenants'],
      writes: ['resources'],
      starts: provision,
      // The test flavors are offered only where the stage offers test behaviour.
      environment: { ...quotaEnvironment, ...this.testBehaviourSetting() },
    });
    api('GetResource', 'GET /resources/{resourceId}', {
      reads: ['resources'],
      observes: { ...provision, ...deprovision },
    });
    api('DeleteResource', 'DELETE /resources/{resourceId}', { writes: ['resources'], starts: deprovision });
    api('GetUsage', 'GET /projects/{projectId}/usage', { reads: ['projects', 'usage'] });

    // Billing: every hour, meters become usage lines.
    const billing = this.command('AggregateUsage', {
      on: 'billing',
      description: 'Turns billing meters into hourly usage lines',
      reads: ['meters'],
      appends: ['usage'],
    });
    const billingDlq = this.terminalQueue('BillingDlq', 'the billing schedule');
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

    const output = this.output.bind(this);
    output('ProvisionStateMachineArn', this.provisionStateMachine.stateMachineArn);
    output('DeprovisionStateMachineArn', this.deprovisionStateMachine.stateMachineArn);
    output('WorkerQueueUrl', this.workerQueue.queue.queueUrl);
    output('WorkerDlqUrl', this.workerQueue.deadLetterQueue.queueUrl);
    output('ProvisioningCompensationDlqUrl', this.compensationDlq.queueUrl);
    output('AggregateUsageFunctionName', billing.functionName);
    output('BillingDlqUrl', billingDlq.queueUrl);
  }
}
