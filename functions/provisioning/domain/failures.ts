/**
 * How a failed provisioning is described: the code and message MarkFailed records on the resource and puts in
 * ResourceProvisioningFailed.v1, from the error the saga's Catch caught. Pure: no AWS imports.
 */
import type { ProvisioningFailureCode } from '../../../shared/contracts/provisioning-api.js';
import { type CaughtFailure, parseLambdaErrorCause } from '../../../shared/saga/caught-failure.js';

export interface ProvisioningFailure {
  readonly code: ProvisioningFailureCode;
  readonly message: string;
}

/**
 * Error names (what Lambda reports as `Error`, what the node agent sends with SendTaskFailure, or the States.* error
 * of the waiting task) and their codes. Anything else is INTERNAL.
 */
export const PROVISIONING_FAILURE_CODES: Readonly<Record<string, Exclude<ProvisioningFailureCode, 'INTERNAL'>>> = {
  QuotaExceededError: 'QUOTA_EXCEEDED',
  CapacityUnavailableError: 'CAPACITY_UNAVAILABLE',
  ProvisioningFailedError: 'PROVISIONING_FAILED',
  WorkerFleetBusyError: 'WORKERS_BUSY',
  // A worker that stopped heartbeating, or one that took longer than the task allows, is presumed dead.
  'States.HeartbeatTimeout': 'WORKER_TIMEOUT',
  'States.Timeout': 'WORKER_TIMEOUT',
};

export const INTERNAL_PROVISIONING_MESSAGE =
  'The resource could not be provisioned because of an internal error. Please try again.';

const DEFAULT_MESSAGES: Readonly<Record<Exclude<ProvisioningFailureCode, 'INTERNAL'>, string>> = {
  QUOTA_EXCEEDED: "The tenant's quota cannot hold this resource",
  CAPACITY_UNAVAILABLE: 'The region has no capacity left for this flavor',
  PROVISIONING_FAILED: 'The node agent could not provision the resource',
  WORKER_TIMEOUT: 'The node agent did not report back in time',
  WORKERS_BUSY: 'Every node agent stayed busy; please try again later',
};

/** Messages end up in an API response and an event; longer ones are cut. */
const MAX_MESSAGE_LENGTH = 500;

export function provisioningFailureOf(failure: CaughtFailure): ProvisioningFailure {
  const cause = parseLambdaErrorCause(failure.Cause);
  const code = codeOf(failure.Error) ?? (cause?.errorType ? codeOf(cause.errorType) : undefined);
  if (!code) return { code: 'INTERNAL', message: INTERNAL_PROVISIONING_MESSAGE };
  // A timeout's cause is Step Functions' own wording; the customer gets ours.
  if (code === 'WORKER_TIMEOUT') return { code, message: DEFAULT_MESSAGES.WORKER_TIMEOUT };
  // Lambda errors carry JSON; the node agent's SendTaskFailure cause is the message itself.
  const message = cause ? cause.errorMessage?.trim() : failure.Cause?.trim();
  return { code, message: (message || DEFAULT_MESSAGES[code]).slice(0, MAX_MESSAGE_LENGTH) };
}

function codeOf(errorName: string): Exclude<ProvisioningFailureCode, 'INTERNAL'> | undefined {
  return Object.hasOwn(PROVISIONING_FAILURE_CODES, errorName) ? PROVISIONING_FAILURE_CODES[errorName] : undefined;
}
