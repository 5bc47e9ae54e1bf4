import { describe, expect, it } from 'vitest';
import {
  INTERNAL_PROVISIONING_MESSAGE,
  PROVISIONING_FAILURE_CODES,
  provisioningFailureOf,
} from '../../../../functions/provisioning/domain/failures.js';
import { ProvisioningFailureCode } from '../../../../shared/contracts/provisioning-api.js';
import {
  CapacityUnavailableError,
  ProvisioningFailedError,
  QuotaExceededError,
  TRANSIENT_ERROR_NAMES,
} from '../../../../shared/errors.js';

function lambdaCause(errorType: string, errorMessage: string): string {
  return JSON.stringify({ errorType, errorMessage, trace: ['at secret/internal/path.js:1:1'] });
}

describe('provisioningFailureOf', () => {
  it.each([
    ['QuotaExceededError', 'QUOTA_EXCEEDED', "The tenant's quota is exceeded: vcpu needs 8, 3 left"],
    ['CapacityUnavailableError', 'CAPACITY_UNAVAILABLE', 'No capacity left for vm.large in eu-west-1'],
    ['ProvisioningFailedError', 'PROVISIONING_FAILED', 'The disk image is corrupt'],
  ])('maps the Lambda error %s to %s with its message', (errorName, code, message) => {
    // Act
    const failure = provisioningFailureOf({ Error: errorName, Cause: lambdaCause(errorName, message) });

    // Assess
    expect(failure).toEqual({ code, message });
  });

  it('takes the node agent’s free-text cause (SendTaskFailure) as the message', () => {
    // Act
    const failure = provisioningFailureOf({
      Error: 'ProvisioningFailedError',
      Cause: 'The node agent could not provision srn:x: flavor vm.test-fail always fails (simulated)',
    });

    // Assess
    expect(failure).toEqual({
      code: 'PROVISIONING_FAILED',
      message: 'The node agent could not provision srn:x: flavor vm.test-fail always fails (simulated)',
    });
  });

  it.each([
    ['States.HeartbeatTimeout', undefined],
    ['States.HeartbeatTimeout', 'Task heartbeat timed out'],
    ['States.Timeout', 'States.Timeout: task timed out after 600 seconds'],
  ])('maps %s to WORKER_TIMEOUT with our own words', (errorName, cause) => {
    // Act
    const failure = provisioningFailureOf({ Error: errorName, Cause: cause });

    // Assess
    expect(failure).toEqual({ code: 'WORKER_TIMEOUT', message: 'The node agent did not report back in time' });
  });

  it.each([
    ['a ValidationError', 'ValidationError', lambdaCause('ValidationError', 'table resources-table missing')],
    ['a task failure', 'States.TaskFailed', 'arn:aws:lambda:secret'],
    ['a runtime error', 'Error', lambdaCause('TypeError', 'Cannot read properties of undefined')],
    ['a prototype name', 'toString', undefined],
    ['an unknown name without cause', 'Whatever', undefined],
  ])('maps %s to INTERNAL without leaking details', (_case, errorName, cause) => {
    // Act
    const failure = provisioningFailureOf({ Error: errorName, Cause: cause });

    // Assess
    expect(failure).toEqual({ code: 'INTERNAL', message: INTERNAL_PROVISIONING_MESSAGE });
  });

  it('falls back to the cause’s errorType when Error is generic', () => {
    // Act
    const failure = provisioningFailureOf({
      Error: 'Lambda.Unknown',
      Cause: lambdaCause('CapacityUnavailableError', 'No capacity left'),
    });

    // Assess
    expect(failure).toEqual({ code: 'CAPACITY_UNAVAILABLE', message: 'No capacity left' });
  });

  it.each([
    ['QuotaExceededError', "The tenant's quota cannot hold this resource"],
    ['CapacityUnavailableError', 'The region has no capacity left for this flavor'],
    ['ProvisioningFailedError', 'The node agent could not provision the resource'],
  ])('gives %s a default message when its cause is missing or empty', (errorName, message) => {
    // Assess
    expect(provisioningFailureOf({ Error: errorName })).toEqual(expect.objectContaining({ message }));
    expect(provisioningFailureOf({ Error: errorName, Cause: lambdaCause(errorName, '  ') }).message).toBe(message);
  });

  it('cuts a very long message', () => {
    // Act
    const failure = provisioningFailureOf({ Error: 'ProvisioningFailedError', Cause: 'x'.repeat(2000) });

    // Assess
    expect(failure.message).toHaveLength(500);
  });

  it('maps only to codes the contract knows, and never a transient error', () => {
    // Assess
    for (const [name, code] of Object.entries(PROVISIONING_FAILURE_CODES)) {
      expect(ProvisioningFailureCode.options).toContain(code);
      expect(TRANSIENT_ERROR_NAMES as readonly string[]).not.toContain(name);
    }
  });

  it('uses the names the error classes really carry', () => {
    // Assess
    expect(new QuotaExceededError('x').name).toBe('QuotaExceededError');
    expect(new CapacityUnavailableError('x').name).toBe('CapacityUnavailableError');
    expect(new ProvisioningFailedError('x').name).toBe('ProvisioningFailedError');
    expect(PROVISIONING_FAILURE_CODES[new QuotaExceededError('x').name]).toBe('QUOTA_EXCEEDED');
    expect(PROVISIONING_FAILURE_CODES[new CapacityUnavailableError('x').name]).toBe('CAPACITY_UNAVAILABLE');
    expect(PROVISIONING_FAILURE_CODES[new ProvisioningFailedError('x').name]).toBe('PROVISIONING_FAILED');
  });
});
