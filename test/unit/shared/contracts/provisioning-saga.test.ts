import { describe, expect, it } from 'vitest';
import { MarkFailedCommand, ProvisionSagaInput } from '../../../../shared/contracts/provisioning-saga.js';
import { SAGA_INPUT } from '../../provisioning/harness.js';

describe('saga contract', () => {
  it('parses the whole saga state, keeping what each step declares', () => {
    // Act
    const command = MarkFailedCommand.parse({
      ...SAGA_INPUT,
      validation: { ok: true },
      quota: { reserved: { vcpu: 1, memoryGiB: 2, storageGiB: 0 }, alreadyReserved: false },
      failure: { Error: 'States.HeartbeatTimeout', Cause: 'x' },
    });

    // Assess
    expect(command.failure).toEqual({ Error: 'States.HeartbeatTimeout', Cause: 'x' });
    expect(ProvisionSagaInput.safeParse({ ...SAGA_INPUT, srn: 'nope' }).success).toBe(false);
  });
});
