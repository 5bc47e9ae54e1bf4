import { describe, expect, it, vi } from 'vitest';
import { chooseSlot, leaseIdOf, slotIds } from '../../../../functions/provisioning/domain/worker-fleet.js';
import { held, NOW_MS } from '../worker-fleet-harness.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

describe('worker slots', () => {
  it('names one slot per agent, and refuses a fleet without agents', () => {
    expect(slotIds(3)).toEqual(['slot-000', 'slot-001', 'slot-002']);
    expect(() => slotIds(0)).toThrow(RangeError);
  });

  it('offers the free slots, counting expired leases as free, from a place that depends on the lease', () => {
    // Prepare
    const leases = [held('slot-000', 'a'), held('slot-001', 'b', NOW_MS - 1)];

    // Act
    const choice = chooseSlot(3, leases, leaseIdOf('token-9'), NOW_MS);

    // Assess
    expect(choice.kind).toBe('free');
    expect(choice.kind === 'free' && [...choice.slots].sort()).toEqual(['slot-001', 'slot-002']);
  });

  it('spreads concurrent dispatchers over the free slots instead of sending them all to the first', () => {
    // Act
    const firsts = new Set(
      Array.from({ length: 20 }, (_, index) => {
        const choice = chooseSlot(10, [], leaseIdOf(`token-${index}`), NOW_MS);
        return choice.kind === 'free' ? choice.slots[0] : undefined;
      }),
    );

    // Assess
    expect(firsts.size).toBeGreaterThan(3);
  });

  it('finds the slot a lease holds already', () => {
    expect(chooseSlot(3, [held('slot-002', 'mine')], 'mine', NOW_MS)).toEqual({ kind: 'held', slot: 'slot-002' });
  });
});
