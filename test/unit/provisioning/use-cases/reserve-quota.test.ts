import { describe, expect, it } from 'vitest';
import type { HoldAttempt, TenantQuotas, TenantUsage } from '../../../../functions/provisioning/ports/tenant-quotas.js';
import { reserveQuota } from '../../../../functions/provisioning/use-cases/reserve-quota.js';
import type { ResourceAmounts, ResourceStepCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { NotFoundError, QuotaExceededError, TransientError } from '../../../../shared/errors.js';
import { SAGA_INPUT } from '../harness.js';

const COMMAND: ResourceStepCommand = SAGA_INPUT;
const VM_SMALL: ResourceAmounts = { vcpu: 1, memoryGiB: 2, storageGiB: 0 };
const DEFAULTS: ResourceAmounts = { vcpu: 8, memoryGiB: 32, storageGiB: 100 };

/** A tenant store whose hold answers `attempts` in turn; it records every hold asked for. */
function quotasWith(options: {
  hold?: { held?: ResourceAmounts } | undefined;
  used?: ResourceAmounts;
  attempts?: HoldAttempt[];
}) {
  const holds: { tenant: TenantUsage; demand: ResourceAmounts }[] = [];
  const attempts = [...(options.attempts ?? ['RESERVED'])];
  const quotas: TenantQuotas = {
    find: async () => undefined,
    findOrCreate: async (tenantId, defaultQuotas) => ({
      tenantId,
      quotas: defaultQuotas,
      used: options.used ?? { vcpu: 0, memoryGiB: 0, storageGiB: 0 },
    }),
    holdOf: async () => ('hold' in options ? options.hold : {}),
    async hold({ tenant, demand }) {
      holds.push({ tenant, demand });
      return attempts.shift() ?? 'USAGE_CHANGED';
    },
    release: async () => 'NOTHING_HELD',
  };
  return { quotas, holds };
}

const run = (quotas: TenantQuotas) => reserveQuota(COMMAND, { quotas, defaultQuotas: () => DEFAULTS });

describe('reserveQuota (use case, in-memory ports)', () => {
  it('holds the flavor’s demand against the figures it read', async () => {
    // Prepare
    const { quotas, holds } = quotasWith({});

    // Act
    const result = await run(quotas);

    // Assess
    expect(result).toEqual({ reserved: VM_SMALL, alreadyReserved: false });
    expect(holds).toHaveLength(1);
    expect(holds[0]?.demand).toEqual(VM_SMALL);
    expect(holds[0]?.tenant.quotas).toEqual(DEFAULTS);
  });

  it('refuses with QuotaExceededError, naming the dimension, and asks for no hold', async () => {
    // Prepare
    const { quotas, holds } = quotasWith({ used: { vcpu: 8, memoryGiB: 0, storageGiB: 0 } });

    // Act
    const reserving = run(quotas);

    // Assess
    await expect(reserving).rejects.toBeInstanceOf(QuotaExceededError);
    await expect(reserving).rejects.toMatchObject({ details: { exceeded: ['vcpu'] } });
    expect(holds).toEqual([]);
  });

  it('decides again when the usage changed under it, and reserves on fresh figures', async () => {
    // Prepare
    const { quotas, holds } = quotasWith({ attempts: ['USAGE_CHANGED', 'USAGE_CHANGED', 'RESERVED'] });

    // Act
    const result = await run(quotas);

    // Assess
    expect(result.alreadyReserved).toBe(false);
    expect(holds).toHaveLength(3);
  });

  it('gives up with a TransientError when the usage keeps changing', async () => {
    // Prepare
    const { quotas, holds } = quotasWith({ attempts: [] });

    // Act
    const reserving = run(quotas);

    // Assess
    await expect(reserving).rejects.toBeInstanceOf(TransientError);
    expect(holds).toHaveLength(3);
  });

  it('leaves a resource that holds its quota already alone, and fails for one that does not exist', async () => {
    // Prepare
    const held = quotasWith({ hold: { held: VM_SMALL } });
    const gone = quotasWith({ hold: undefined });
    const goneMeanwhile = quotasWith({ attempts: ['RESOURCE_GONE'] });

    // Act
    const again = await run(held.quotas);

    // Assess
    expect(again).toEqual({ reserved: VM_SMALL, alreadyReserved: true });
    expect(held.holds).toEqual([]);
    await expect(run(gone.quotas)).rejects.toBeInstanceOf(NotFoundError);
    await expect(run(goneMeanwhile.quotas)).rejects.toBeInstanceOf(NotFoundError);
  });
});
