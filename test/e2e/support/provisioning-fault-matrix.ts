/**
 * The provisioning fault matrix: every fault kind at every step and every compensation of the provision and
 * deprovision sagas. A lifecycle (a resource requested, then deleted) carries one fault at each step of its sagas, the
 * kinds rotating from one lifecycle to the next (a Latin square), so eight lifecycles meet each of the eight step
 * kinds once at every step, and the matrix stays small enough for `npm test`. The provision saga runs under the
 * lifecycle's correlation ID and the deletion under `<id>-delete`, so a fault can be aimed at either saga even where
 * both call the same function. `fault-matrices/provisioning.ts` drives the lifecycles and checks the chaos run's
 * provisioning invariants on them.
 */
import type { ProvisioningLifecyclePlan } from '../../../chaos/provisioning-plan.js';
import { tuning } from '../../../lib/config/tuning.js';
import { FAULT_KINDS, type FaultKind, type FaultTarget } from '../../../local-cloud/faults/fault-plan.js';
import { CALLBACK_KINDS } from './fault-matrix.js';

/** Forward steps of the provision saga (and its success record): faults there are absorbed, the resource goes ACTIVE. */
const PROVISION_STEPS = [
  'ValidateRequestFn',
  'ReserveQuotaFn',
  'ReserveCapacityFn',
  'DispatchWorkerCommandFn',
  'NodeAgentFn',
  'AttachStorageFn',
  'ConfigureNetworkFn',
  'StartBillingFn',
  'MarkActiveFn',
] as const;

/**
 * Compensations of the provision saga and its failure record. To make them run, StartBilling (the last step) fails
 * for good; the faults under test then meet the compensations, which must still undo everything. DestroyResource's
 * functions (the dispatcher and the agent) ran forward already, so a fault aimed at them would meet the forward call:
 * their `destroy` path meets the Lambda and DynamoDB kinds in the deprovision saga, where DestroyResource is a step,
 * and the callback kinds (decided by task state) meet this compensation itself.
 */
const PROVISION_COMPENSATIONS = [
  'StopBillingFn',
  'DetachStorageFn',
  'ReleaseCapacityFn',
  'ReleaseQuotaFn',
  'MarkFailedFn',
] as const;

/** Steps of the deprovision saga and its success record: faults there are absorbed, the resource ends DELETED. */
const DEPROVISION_STEPS = [
  'StopBillingFn',
  'DetachStorageFn',
  'DispatchWorkerCommandFn',
  'NodeAgentFn',
  'ReleaseCapacityFn',
  'ReleaseQuotaFn',
  'MarkDeletedFn',
] as const;

/** Every attempt of a saga step (the first and its transient retries): that many failures fail it for good. */
const STEP_ATTEMPTS = tuning.retry.transient.maxAttempts + 1;

/** StartBilling fails for good: the provision saga compensates. */
const PROVISION_FAILS: Omit<FaultTarget, 'saga'> = {
  kind: 'lambda.failBeforeHandler',
  where: 'StartBillingFn',
  times: STEP_ATTEMPTS,
};

/**
 * ReleaseQuota fails for good in the first deprovision saga, which then records the failure (MarkDeprovisionFailed).
 * Exactly one saga's attempts: the owner's second deletion (a saga of its own, same correlation ID) must succeed.
 */
const DEPROVISION_FAILS: Omit<FaultTarget, 'saga'> = {
  kind: 'lambda.failBeforeHandler',
  where: 'ReleaseQuotaFn',
  times: STEP_ATTEMPTS,
};

/**
 * Kinds decided where the local cloud delivers between services, with where each meets a provisioning lifecycle: the
 * audit events its sagas publish (EventBridge to the audit queue), and the commands on the worker queue.
 */
const DELIVERY_TARGETS: Readonly<Partial<Record<FaultKind, string>>> = {
  'eventbridge.duplicateDelivery': 'AuditQueue',
  'eventbridge.targetRefused': 'AuditQueue',
  'sqs.delayedDelivery': 'AuditQueue',
  'sqs.visibilityExpired': 'WorkerQueue',
};

/** The kinds a step's calls can meet: the Lambda and DynamoDB ones. */
const STEP_KINDS = (Object.keys(FAULT_KINDS) as FaultKind[]).filter(
  (kind) => !CALLBACK_KINDS.includes(kind) && !Object.hasOwn(DELIVERY_TARGETS, kind),
);

/**
 * Kinds that cannot meet a function, because it makes no call where AWS raises them: a transaction conflict needs a
 * write to a table that transactions write (Resources, Tenants, Capacity); the worker's functions write only the
 * worker fleet's and the idempotency tables, the billing steps only the meters, and ValidateRequest only reads.
 */
const NOT_APPLICABLE: Readonly<Partial<Record<FaultKind, readonly string[]>>> = {
  'dynamodb.transactionConflict': [
    'ValidateRequestFn',
    'DispatchWorkerCommandFn',
    'NodeAgentFn',
    'StartBillingFn',
    'StopBillingFn',
  ],
};

type ProvisionOutcome = 'ACTIVE' | 'FAILED';

/** One fault of the matrix: a kind at a task (a function, a task state or a queue) of one saga. */
interface MatrixFault {
  readonly kind: FaultKind;
  readonly task: string;
  readonly saga: 'provision' | 'provision compensation' | 'deprovision' | 'deprovision failure record';
  /** The correlation ID of the saga it is aimed at. */
  readonly correlationId: string;
}

export interface ProvisioningMatrixLifecycle {
  readonly plan: ProvisioningLifecyclePlan;
  /** What the provisioning may end as (a worker that answers late or dies may miss its heartbeat). */
  readonly provisionOutcomes: readonly ProvisionOutcome[];
  /** The faults under test. */
  readonly faults: readonly MatrixFault[];
  /** The plan's targets: the faults under test and the forced failures that make compensations run. */
  readonly targets: readonly FaultTarget[];
}

/** The deletion of a lifecycle runs under its own correlation ID, so faults can tell it from the provisioning. */
const deletionCorrelationId = (correlationId: string): string => `${correlationId}-delete`;

/** Flavors spread over two regions: six capacity rows, which the test raises so that no lifecycle is refused. */
export const MATRIX_FLAVORS = ['vm.small', 'vm.medium', 'vm.large'] as const;
export const MATRIX_REGIONS = ['eu-west-1', 'us-east-1'] as const;

export const PROVISIONING_MATRIX: readonly ProvisioningMatrixLifecycle[] = (() => {
  const lifecycles: ProvisioningMatrixLifecycle[] = [];
  const lifecycle = (
    build: (ids: { provision: string; deletion: string }) => {
      faults: MatrixFault[];
      forced?: FaultTarget[];
      provisionOutcomes: readonly ProvisionOutcome[];
    },
  ) => {
    const index = lifecycles.length;
    const correlationId = `prov-matrix-${String(index).padStart(2, '0')}`;
    const deletion = deletionCorrelationId(correlationId);
    const { faults, forced = [], provisionOutcomes } = build({ provision: correlationId, deletion });
    lifecycles.push({
      plan: {
        index,
        correlationId,
        deletionCorrelationId: deletion,
        // A tenant each: a lifecycle's quota is its own, whatever the others do.
        tenant: `prov-matrix-tenant-${index}`,
        type: 'vm',
        flavor: MATRIX_FLAVORS[index % MATRIX_FLAVORS.length] ?? 'vm.small',
        region: MATRIX_REGIONS[index % MATRIX_REGIONS.length] ?? 'eu-west-1',
        deleteWhen: 'afterProvisioning',
      },
      provisionOutcomes,
      faults,
      targets: [...faults.map(({ kind, task, correlationId: saga }) => ({ kind, saga, where: task })), ...forced],
    });
  };
  /** The kind the Latin square puts at step `step` of lifecycle `round`: each kind once per step over the rounds. */
  const kindAt = (step: number, round: number) => STEP_KINDS[(step + round) % STEP_KINDS.length] as FaultKind;
  const applicable = (fault: MatrixFault) => !NOT_APPLICABLE[fault.kind]?.includes(fault.task);

  for (let round = 0; round < STEP_KINDS.length; round++) {
    // Every forward step of the provisioning, then every step of the deletion, each meeting a fault.
    lifecycle(({ provision, deletion }) => ({
      provisionOutcomes: ['ACTIVE'],
      faults: [
        ...PROVISION_STEPS.map((task, step) => ({
          kind: kindAt(step, round),
          task,
          saga: 'provision' as const,
          correlationId: provision,
        })),
        ...DEPROVISION_STEPS.map((task, step) => ({
          kind: kindAt(step, round),
          task,
          saga: 'deprovision' as const,
          correlationId: deletion,
        })),
      ].filter(applicable),
    }));
    // A provisioning that fails at its last step and compensates, each compensation meeting a fault; its first
    // deletion fails too and records the failure, meeting a fault there; the owner's second deletion succeeds.
    lifecycle(({ provision, deletion }) => ({
      provisionOutcomes: ['FAILED'],
      faults: [
        ...PROVISION_COMPENSATIONS.map((task, step) => ({
          kind: kindAt(step, round),
          task,
          saga: 'provision compensation' as const,
          correlationId: provision,
        })),
        {
          kind: kindAt(0, round),
          task: 'MarkDeprovisionFailedFn',
          saga: 'deprovision failure record' as const,
          correlationId: deletion,
        },
      ].filter(applicable),
      forced: [
        { ...PROVISION_FAILS, saga: provision },
        { ...DEPROVISION_FAILS, saga: deletion },
      ],
    }));
  }

  for (const kind of CALLBACK_KINDS) {
    // A worker that answers late or dies may miss its heartbeat: the provisioning then fails and compensates, or (an
    // agent dying early enough for SQS to hand the command to another in time) succeeds. The deletion retries a
    // missed heartbeat with a new command, so it ends DELETED.
    lifecycle(({ provision, deletion }) => ({
      provisionOutcomes: kind === 'stepfunctions.answerLost' ? ['ACTIVE'] : ['ACTIVE', 'FAILED'],
      faults: [
        { kind, task: 'DispatchToWorker', saga: 'provision', correlationId: provision },
        { kind, task: 'DestroyResource', saga: 'deprovision', correlationId: deletion },
      ],
    }));
    lifecycle(({ provision }) => ({
      provisionOutcomes: ['FAILED'],
      faults: [{ kind, task: 'DestroyResource', saga: 'provision compensation', correlationId: provision }],
      forced: [{ ...PROVISION_FAILS, saga: provision }],
    }));
  }

  for (const [kind, task] of Object.entries(DELIVERY_TARGETS) as [FaultKind, string][]) {
    lifecycle(({ provision }) => ({
      provisionOutcomes: ['ACTIVE'],
      faults: [{ kind, task, saga: 'provision', correlationId: provision }],
    }));
  }
  return lifecycles;
})();

export const PROVISIONING_MATRIX_TARGETS: readonly FaultTarget[] = PROVISIONING_MATRIX.flatMap(
  (lifecycle) => lifecycle.targets,
);
