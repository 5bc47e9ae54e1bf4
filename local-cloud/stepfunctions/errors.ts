/** Errors of the Step Functions module: definition refusals at boot, and the failures Task states report at run time. */

/** A definition uses an Amazon States Language feature the local cloud does not run. Thrown by `addStateMachine`. */
export class UnsupportedAslFeatureError extends Error {
  constructor(
    readonly stateMachineName: string,
    /** The offending state, or undefined for a machine-level feature. */
    readonly stateName: string | undefined,
    readonly feature: string,
  ) {
    const where = stateName === undefined ? '' : `, state '${stateName}'`;
    super(`State machine '${stateMachineName}'${where}: ${feature} is not supported by the local cloud`);
    this.name = 'UnsupportedAslFeatureError';
  }
}

/** The definition is not valid Amazon States Language (reported by the interpreter's validator). */
export class InvalidAslDefinitionError extends Error {
  constructor(
    readonly stateMachineName: string,
    detail: string,
  ) {
    super(`State machine '${stateMachineName}' has an invalid definition: ${detail}`);
    this.name = 'InvalidAslDefinitionError';
  }
}

/** A time scale of `LocalStepFunctionsOptions` that is not a positive, finite number. */
export class InvalidTimeScaleError extends Error {
  constructor(
    readonly option: string,
    readonly value: number,
  ) {
    super(`${option} must be a positive, finite number, not ${value}`);
    this.name = 'InvalidTimeScaleError';
  }
}

/** The resolved configuration handed to `addStateMachine` is unusable (e.g. its ARN is no state machine ARN). */
export class InvalidStateMachineConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStateMachineConfigError';
  }
}

/**
 * A Task failure as Retry and Catch see it. The interpreter matches `ErrorEquals` against `error.name` and puts
 * `error.message` in the Catch output's `Cause`, so `name` here is the ASL error name (e.g. `OutOfStockError`,
 * `States.HeartbeatTimeout`), not this class's name: that is the contract the interpreter imposes.
 */
export class TaskFailedError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * Raised into the interpreter when an attempt runs or resumes after its execution closed (stopped, timed out,
 * finished while a Parallel branch was still parked). The interpreter honours `isRetryable` / `isCatchable`, so this
 * can neither be retried nor caught and the abandoned branch unwinds at once.
 */
export class ExecutionClosedError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor() {
    super('The execution is closed');
    this.name = 'ExecutionClosedError';
  }
}

/** An invalid request to a Task (e.g. `lambda:invoke` without `FunctionName`): `States.Runtime`, never retried. */
export class StatesRuntimeError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor(message: string) {
    super(message);
    // The interpreter reports `name` as the execution's error, and AWS calls this one States.Runtime.
    this.name = 'States.Runtime';
  }
}
