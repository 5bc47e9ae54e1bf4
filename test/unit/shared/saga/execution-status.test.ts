import { describe, expect, it } from 'vitest';
import { endedUnsuccessfully, type SagaExecutionStatus } from '../../../../shared/saga/execution-status.js';

describe('endedUnsuccessfully', () => {
  it.each<[SagaExecutionStatus | undefined, boolean]>([
    ['FAILED', true],
    ['TIMED_OUT', true],
    ['ABORTED', true],
    ['PENDING_REDRIVE', true],
    ['RUNNING', false],
    ['SUCCEEDED', false],
    [undefined, false],
  ])('%s → %s', (status, ended) => {
    // Assess
    expect(endedUnsuccessfully(status)).toBe(ended);
  });
});
