import { describe, expect, it } from 'vitest';
import type { CapacityPool, SlotAttempt } from '../../../../functions/provisioning/ports/capacity.js';
import { reserveCapacity } from '../../../../functions/provisioning/use-cases/reserve-capacity.js';
import type { ResourceStepCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { CapacityUnavailableError, NotFoundError } from '../../../../shared/errors.js';
import { SAGA_INPUT } from '../harness.js';

const COMMAND: ResourceStepCommand = SAGA_INPUT;

function poolAnswering(attempt: SlotAttempt): CapacityPool {
  return { reserve: async () => attempt, release: async () => 'NOTHING_HELD' };
}

describe('reserveCapacity (use case, in-memory ports)', () => {
  it('reports a slot taken now or by an earlier attempt', async () => {
    // Act
    const now = await reserveCapacity(COMMAND, { capacity: poolAnswering('RESERVED') });
    const before = await reserveCapacity(COMMAND, { capacity: poolAnswering('ALREADY_RESERVED') });

    // Assess
    expect(now).toEqual({ region: 'eu-west-1', flavor: 'vm.small', alreadyReserved: false });
    expect(before).toEqual({ region: 'eu-west-1', flavor: 'vm.small', alreadyReserved: true });
  });

  it('fails with CapacityUnavailableError naming region and flavor when no slot is free', async () => {
    // Act
    const reserving = reserveCapacity(COMMAND, { capacity: poolAnswering('NO_SLOT') });

    // Assess
    await expect(reserving).rejects.toBeInstanceOf(CapacityUnavailableError);
    await expect(reserving).rejects.toMatchObject({ details: { region: 'eu-west-1', flavor: 'vm.small' } });
  });

  it('fails with NotFoundError for a resource that does not exist', async () => {
    // Act
    const reserving = reserveCapacity(COMMAND, { capacity: poolAnswering('RESOURCE_GONE') });

    // Assess
    await expect(reserving).rejects.toBeInstanceOf(NotFoundError);
  });
});
