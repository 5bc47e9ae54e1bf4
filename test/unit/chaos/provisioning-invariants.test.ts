import { describe, expect, it } from 'vitest';
import { checkProvisioningInvariants, type ProvisioningSnapshot } from '../../../chaos/provisioning-invariants.js';
import { planProvisioning } from '../../../chaos/provisioning-plan.js';

const SMALL = { vcpu: 1, memoryGiB: 2, storageGiB: 0 };
const plan = planProvisioning('t', 1)[0] as ReturnType<typeof planProvisioning>[number];

/** One ACTIVE vm.small (quota, a capacity slot and a running meter), one DELETED: everything consistent. */
function consistent(): ProvisioningSnapshot {
  return {
    resources: [
      {
        resourceId: 'res_a',
        tenantId: 'tenant-1',
        flavor: 'vm.small',
        region: 'eu-west-1',
        status: 'ACTIVE',
        quotaHeld: SMALL,
        capacityHeld: 'eu-west-1#vm.small',
      },
      { resourceId: 'res_b', tenantId: 'tenant-1', flavor: 'vm.small', region: 'eu-west-1', status: 'DELETED' },
    ],
    tenants: [{ tenantId: 'tenant-1', used: SMALL }],
    capacity: [{ pk: 'eu-west-1#vm.small', used: 1, total: 20 }],
    meters: [
      {
        resourceId: 'res_a',
        meterId: 'm_res_a',
        projectId: 'p',
        tenantId: 'tenant-1',
        srn: 's',
        flavor: 'vm.small',
        ratePerHourMicros: 11_600,
        startedAt: '2026-01-01T00:10:00.000Z',
      },
      {
        resourceId: 'res_b',
        meterId: 'm_res_b',
        projectId: 'p',
        tenantId: 'tenant-1',
        srn: 's',
        flavor: 'vm.small',
        ratePerHourMicros: 11_600,
        startedAt: '2026-01-01T00:00:00.000Z',
        stoppedAt: '2026-01-01T00:30:00.000Z',
      },
    ],
    usage: [
      {
        projectId: 'p',
        period: '2026-01-01T00',
        lines: [
          { resourceId: 'res_a', seconds: 3000 },
          { resourceId: 'res_b', seconds: 1800 },
        ],
      },
    ],
    audit: [
      { srn: 'srn:a', sk: '2026-01-01T00:00:00.000Z#evt-1', eventId: 'evt-1' },
      { srn: 'srn:a', sk: '2026-01-01T00:30:00.000Z#evt-2', eventId: 'evt-2' },
    ],
    billedUpTo: '2026-01-01T01:00:00.000Z',
    lifecycles: [{ plan, resourceId: 'res_a', finalStatus: 'ACTIVE' }],
  };
}

function violated(snapshot: ProvisioningSnapshot): Record<string, string[]> {
  return Object.fromEntries(
    checkProvisioningInvariants(snapshot)
      .filter((result) => result.violations.length > 0)
      .map((result) => [result.name, result.violations.map((violation) => violation.subject)]),
  );
}

describe('chaos provisioning invariants', () => {
  it('finds nothing wrong in consistent stores', () => {
    // Assess
    expect(violated(consistent())).toEqual({});
  });

  it('catches quota and capacity still held by a resource that is no longer ACTIVE', () => {
    // Prepare
    const base = consistent();
    const snapshot = {
      ...base,
      resources: [
        { ...base.resources[0], status: 'DEPROVISIONING' } as ProvisioningSnapshot['resources'][number],
        base.resources[1] as ProvisioningSnapshot['resources'][number],
      ],
    };

    // Act
    const found = violated(snapshot);

    // Assess
    expect(found['quota.heldByActiveResources']).toEqual(['resource res_a']);
    expect(found['capacity.heldByActiveResources']).toEqual(['resource res_a']);
    expect(found['billing.metersOnlyWhileActive']).toEqual(['resource res_a']);
    expect(found['provisioning.terminate']).toEqual(['resource res_a']);
  });

  it('catches a tenant whose usage counter drifted from what its resources hold', () => {
    // Assess
    expect(violated({ ...consistent(), tenants: [{ tenantId: 'tenant-1', used: { ...SMALL, vcpu: 2 } }] })).toEqual({
      'quota.heldByActiveResources': ['tenant tenant-1'],
    });
  });

  it('catches a second counted twice: two lines for one resource and hour, or more than the meter ran', () => {
    // Prepare
    const base = consistent();
    const snapshot = {
      ...base,
      usage: [
        {
          projectId: 'p',
          period: '2026-01-01T00',
          lines: [
            { resourceId: 'res_b', seconds: 1801 },
            { resourceId: 'res_a', seconds: 10 },
            { resourceId: 'res_a', seconds: 10 },
          ],
        },
      ],
    };

    // Act
    const found = violated(snapshot);

    // Assess
    expect(found['billing.secondsCountedOnce']).toEqual(['usage p 2026-01-01T00 res_b', 'usage p 2026-01-01T00 res_a']);
  });

  it('catches an audited event recorded twice (a retried publisher, at another time)', () => {
    // Prepare
    const base = consistent();
    const again = { srn: 'srn:a', sk: '2026-01-01T00:00:07.000Z#evt-1', eventId: 'evt-1' };

    // Assess
    expect(violated({ ...base, audit: [...base.audit, again] })).toEqual({
      'audit.oncePerEvent': ['audit event evt-1'],
    });
  });

  it('catches a lifecycle that did not settle', () => {
    // Assess
    expect(
      violated({
        ...consistent(),
        lifecycles: [{ plan, resourceId: 'res_a', finalStatus: 'STUCK', reason: 'still PROVISIONING' }],
      }),
    ).toEqual({
      'provisioning.terminate': ['lifecycle 0'],
    });
  });
});
