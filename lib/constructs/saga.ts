import { Duration } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  type IChainable,
  type INextable,
  JitterType,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  type TaskStateBase,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, SqsSendMessage } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { TRANSIENT_ERROR_NAMES } from '../../shared/errors.js';
import { tuning } from '../config/tuning.js';
import { COMPENSATION_COMMENT } from './compensation-comment.js';
import { PublishAs } from './publish-grant.js';
import { KEEP_EVERYTHING, type StageSettings } from './stage-settings.js';

const IN_PROGRESS_ERROR = 'IdempotencyAlreadyInProgressError';

/** How a task retries before its Catch applies. */
export interface SagaRetryPolicy {
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds: number;
}

export interface SagaProps {
  /** Retry of every step on transient errors (the taxonomy's `TRANSIENT_ERROR_NAMES`). @default tuning.retry.transient */
  readonly stepRetry?: SagaRetryPolicy;
  /**
   * Retry of every compensation, on any error: compensations must not give up easily.
   * @default tuning.retry.compensation
   */
  readonly compensationRetry?: SagaRetryPolicy;
  /** Retry of publishing an outcome event. @default tuning.retry.publish */
  readonly publishRetry?: SagaRetryPolicy;
  /**
   * Retry of a step whose earlier attempt still holds its idempotency record (`IdempotencyAlreadyInProgressError`):
   * the attempt ran, but the record was never completed or released (its answer or its last write was lost). The
   * record frees itself when that attempt's invocation would have timed out, so these waits, added up, must exceed
   * the function's timeout, or the saga compensates a step that was about to succeed.
   * @default tuning.retry.inProgress
   */
  readonly inProgressRetry?: SagaRetryPolicy;
  /** Where a compensation that still fails after its retries is sent, for an operator to replay. */
  readonly compensationDlq: IQueue;
  /** The bus outcome events are published on. */
  readonly eventBus: IEventBus;
  /** The sources its outcome events are published under; its role may publish under no other (`events:source`). */
  readonly publishesAs: readonly string[];
  /** An execution that runs longer than this fails. */
  readonly timeout: Duration;
  /** The stage's log retention and removal policy, for the state machine's log group. @default KEEP_EVERYTHING */
  readonly stage?: StageSettings;
}

/**
 * What a step or compensation runs: a Lambda (invoked with the whole saga state), or a task the caller built
 * (e.g. an SQS message with a task token to a worker). The saga adds Retry and Catch to either.
 */
export type SagaAction =
  | { readonly name: string; readonly handler: IFunction }
  | {
      readonly name: string;
      /** Builds the task in the saga's scope with the given id (the state's name) and result path. */
      readonly task: (
        scope: Construct,
        id: string,
        options: { readonly resultPath: string; readonly comment?: string },
      ) => TaskStateBase & INextable;
    };

export interface SagaStepOptions {
  /** Where the step's result goes in the saga state. @default the step's result is discarded */
  readonly resultPath?: string;
  /** What undoes this step; runs, in reverse order, when a later step fails. @default nothing to undo */
  readonly compensateWith?: SagaAction;
  /** Errors this step retries. @default TRANSIENT_ERROR_NAMES and States.Timeout */
  readonly retryOn?: readonly string[];
}

interface Step {
  readonly task: TaskStateBase & INextable;
  readonly compensation?: SagaAction;
}

/** An outcome: a Lambda records it and returns the event (`{ detailType, source, detail }`) the saga then publishes. */
export interface OutcomeSpec {
  readonly recordWith: { readonly name: string; readonly handler: IFunction };
  /** Name of the publishing state, e.g. `PublishOrderPlaced`. */
  readonly publishName: string;
}

/**
 * A saga on Step Functions: an ordered list of steps. Every step retries transient errors with exponential backoff and
 * full jitter, then a Catch (with the failure under `$.failure`) enters the compensation chain at the failed step's own
 * compensation, so compensations run in reverse order, the failed step's first. Every compensation retries and, if it still
 * fails, is sent to the compensation DLQ (which alarms) and the chain goes on: one stuck compensation must not strand
 * the others. The failure outcome then records the failure and publishes it; the execution ends FAILED.
 *
 * @example
 * const saga = new Saga(this, 'CheckoutSaga', { compensationDlq, eventBus, timeout })
 *   .step({ name: 'ReserveInventory', handler: reserveFn }, {
 *     resultPath: '$.reservation',
 *     compensateWith: { name: 'ReleaseInventory', handler: releaseFn },
 *   });
 * const stateMachine = saga.build({ success: {...}, failure: {...} });
 */
export class Saga extends Construct {
  private readonly steps: Step[] = [];
  private readonly outcomeRecorders = new Map<string, LambdaInvoke>();
  /**
   * States an operator's replay may start from (`npm run dlq -- replay`): every compensation, and the failure record
   * and the outcome publications, by the name their parked messages carry (`<name>Failed`, `<name>Undelivered`).
   */
  private readonly replayPoints = new Map<string, IChainable>();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SagaProps,
  ) {
    super(scope, id);
  }

  step(action: SagaAction, options: SagaStepOptions = {}): this {
    const task = this.taskOf(action, options.resultPath ?? JsonPath.DISCARD);
    this.withInProgressRetry(
      task,
      this.props.stepRetry ?? tuning.retry.transient,
      options.retryOn ?? [...TRANSIENT_ERROR_NAMES, 'States.Timeout'],
    );
    this.steps.push({ task, compensation: options.compensateWith });
    return this;
  }

  /** Wires the steps, compensations and outcomes into a Standard state machine. */
  build(outcomes: { success: OutcomeSpec; failure: OutcomeSpec }): StateMachine {
    const [first] = this.steps;
    if (!first) throw new Error(`${this.node.path} has no steps`);
    const failed = new Fail(this, 'Failed', {
      error: 'SagaFailed',
      cause: `A step failed and the saga compensated; the ${outcomes.failure.recordWith.name} output has the failure code`,
    });
    const failureTail = this.outcome(outcomes.failure, '$.failureOutcome', failed);
    const successTail = this.outcome(outcomes.success, '$.successOutcome', new Succeed(this, 'Succeeded'));

    // A replay of parked compensations ends with them: the first run went on past its parked compensation and recorded
    // and announced the outcome already (docs/reliability.md, replaying parked compensations).
    const replayGate = new Choice(this, 'EndOfCompensations', {
      comment: 'An operator’s replay of parked compensations ends here; a saga goes on to record its failure',
    })
      .when(Condition.isPresent('$.replay'), new Succeed(this, 'Replayed'))
      .otherwise(failureTail);

    // entries[i] is where a failure of step i starts compensating: its own compensation first, then those of the steps
    // before it, last one first. A step that failed may still have taken effect (a timeout after its write committed),
    // and compensations are no-ops for work that never happened, so undoing the failed step itself is the safe choice.
    let chainHead: IChainable = replayGate;
    const entries: IChainable[] = [];
    for (const step of this.steps) {
      if (step.compensation) chainHead = this.compensation(step.compensation, chainHead);
      entries.push(chainHead);
    }
    this.steps.forEach((step, index) => {
      step.task.addCatch(entries[index] as IChainable, { errors: ['States.ALL'], resultPath: '$.failure' });
      step.task.next(this.steps[index + 1]?.task ?? successTail);
    });
    // Recording success is part of the saga: if it fails, everything before it is compensated.
    this.outcomeRecorders
      .get(outcomes.success.recordWith.name)
      ?.addCatch(chainHead, { errors: ['States.ALL'], resultPath: '$.failure' });

    const stage = this.props.stage ?? KEEP_EVERYTHING;
    const logGroup = new LogGroup(this, 'Logs', { retention: stage.logRetention, removalPolicy: stage.removalPolicy });
    return new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(this.startOrReplay(first.task)),
      stateMachineType: StateMachineType.STANDARD,
      timeout: this.props.timeout,
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
  }

  /**
   * The saga starts with its first step, unless its input is a replay (`{ ...parkedState, replay: { from } }`): then
   * it starts at the parked compensation, failure record or publication named `from`, and goes on as the saga would.
   */
  private startOrReplay(firstStep: IChainable): IChainable {
    const replayFrom = new Choice(this, 'ReplayFrom', {
      comment: 'Where an operator’s replay of a parked state starts',
    });
    for (const [name, state] of this.replayPoints)
      replayFrom.when(Condition.stringEquals('$.replay.from', name), state);
    replayFrom.otherwise(
      new Fail(this, 'UnknownReplayPoint', {
        error: 'UnknownReplayPoint',
        cause: `replay.from must name one of: ${[...this.replayPoints.keys()].join(', ')}`,
      }),
    );
    return new Choice(this, 'Start', { comment: 'A new saga, or an operator replaying a parked state' })
      .when(Condition.isPresent('$.replay'), replayFrom)
      .otherwise(firstStep);
  }

  private taskOf(action: SagaAction, resultPath: string, comment?: string): TaskStateBase & INextable {
    if ('task' in action) return action.task(this, action.name, { resultPath, comment });
    return new LambdaInvoke(this, action.name, {
      lambdaFunction: action.handler,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath,
      comment,
    });
  }

  /** Record (Lambda) then publish (EventBridge) an outcome, then end in `end`. */
  private outcome(spec: OutcomeSpec, resultPath: string, end: Fail | Succeed): IChainable {
    const record = new LambdaInvoke(this, spec.recordWith.name, {
      lambdaFunction: spec.recordWith.handler,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath,
    });
    this.withInProgressRetry(record, this.props.compensationRetry ?? tuning.retry.compensation, ['States.ALL']);
    this.outcomeRecorders.set(spec.recordWith.name, record);
    const publish = new PublishAs(this, spec.publishName, {
      sources: this.props.publishesAs,
      entries: [
        {
          eventBus: this.props.eventBus,
          source: JsonPath.stringAt(`${resultPath}.source`),
          detailType: JsonPath.stringAt(`${resultPath}.detailType`),
          detail: TaskInput.fromJsonPathAt(`${resultPath}.detail`),
        },
      ],
      resultPath: JsonPath.DISCARD,
    });
    retryWith(publish, this.props.publishRetry ?? tuning.retry.publish, ['States.ALL']);
    this.replayPoints.set(spec.publishName, publish);
    // An event that cannot be published is parked with the saga state, for an operator to republish.
    publish.addCatch(this.toDlq(`${spec.publishName}Undelivered`, end), {
      errors: ['States.ALL'],
      resultPath: '$.publishFailure',
    });
    publish.next(end);
    if (end instanceof Fail) {
      this.replayPoints.set(spec.recordWith.name, record);
      // If even recording the failure fails, park the state and still end the execution as failed.
      record.addCatch(this.toDlq(`${spec.recordWith.name}Undelivered`, end), {
        errors: ['States.ALL'],
        resultPath: '$.recordFailure',
      });
    }
    record.next(publish);
    return record;
  }

  private compensation(action: SagaAction, next: IChainable): IChainable {
    // The comment marks the state as a compensation for readers of the definition (npm run saga, the console).
    const task = this.taskOf(action, JsonPath.DISCARD, `${COMPENSATION_COMMENT}: undoes what the saga did before`);
    this.withInProgressRetry(task, this.props.compensationRetry ?? tuning.retry.compensation, ['States.ALL']);
    task.addCatch(this.toDlq(`${action.name}Failed`, next), {
      errors: ['States.ALL'],
      resultPath: '$.compensationFailure',
    });
    task.next(next);
    this.replayPoints.set(action.name, task);
    return task;
  }

  /** Sends the whole saga state to the compensation DLQ and continues with `next`. */
  private toDlq(name: string, next: IChainable): TaskStateBase & INextable {
    const send = new SqsSendMessage(this, name, {
      comment: `${COMPENSATION_COMMENT}: parks the saga state in the compensation DLQ for an operator`,
      queue: this.props.compensationDlq,
      messageBody: TaskInput.fromObject({
        failedState: name,
        executionArn: JsonPath.executionId,
        state: JsonPath.entirePayload,
      }),
      resultPath: JsonPath.DISCARD,
    });
    retryWith(send, this.props.publishRetry ?? tuning.retry.publish, ['States.ALL']);
    // Nowhere left to park it: the execution's own history (and its FAILED status) is the record of last resort.
    send.addCatch(next, { errors: ['States.ALL'], resultPath: '$.dlqFailure' });
    send.next(next);
    return send;
  }

  /**
   * Retries `errors` by `policy`, except `IdempotencyAlreadyInProgressError` (when `errors` covers it), which gets
   * its own retrier, first: Step Functions uses the first retrier that names an error, and `States.ALL` may only
   * appear in the last one.
   */
  private withInProgressRetry(task: TaskStateBase, policy: SagaRetryPolicy, errors: readonly string[]): void {
    const coversInProgress = errors.includes(IN_PROGRESS_ERROR) || errors.includes('States.ALL');
    if (coversInProgress) {
      // Waiting out the earlier attempt, not a crowd: the full, unjittered waits are what the bound needs.
      retryWith(task, this.props.inProgressRetry ?? tuning.retry.inProgress, [IN_PROGRESS_ERROR], JitterType.NONE);
    }
    retryWith(
      task,
      policy,
      errors.filter((name) => name !== IN_PROGRESS_ERROR),
    );
  }
}

/**
 * Adds a retrier for `errors` by `policy` (full jitter unless told otherwise). Retriers apply in the order they are
 * added: a task builder (`SagaAction.task`) adds its own before the saga adds the general ones.
 */
export function retryWith(
  task: TaskStateBase,
  policy: SagaRetryPolicy,
  errors: readonly string[],
  jitterStrategy = JitterType.FULL,
): void {
  task.addRetry({
    errors: [...errors],
    interval: Duration.seconds(policy.intervalSeconds),
    maxAttempts: policy.maxAttempts,
    backoffRate: policy.backoffRate,
    maxDelay: Duration.seconds(policy.maxDelaySeconds),
    jitterStrategy,
  });
}
