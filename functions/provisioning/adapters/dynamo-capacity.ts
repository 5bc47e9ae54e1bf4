/**
 * Capacity (CAPACITY_TABLE_NAME, keyed by `pk` = `<region>#<flavor>`): `{ pk, region, flavor, total, used }`, seeded.
 * Taking a slot moves `used` and marks the resource (`capacityHeld`, RESOURCES_TABLE_NAME) in one transaction, so a
 * repeated step never takes two slots and a release gives back the one that was taken.
 */
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { CapacityPool } from '../ports/capacity.js';
import { readHold, resourceHolds } from './dynamo-hold.js';

export const capacityKey = (region: string, flavor: string): string => `${region}#${flavor}`;

export function dynamoCapacity(): CapacityPool {
  const capacityTable = () => requiredEnv(tableEnv('CAPACITY'));

  /** A resource holds one slot: the hold is the slot's row key, so a release checks it still holds that very one. */
  const slotHolds = resourceHolds({
    marker: 'capacityHeld',
    pool: 'capacity row',
    stampsCounter: false,
    releaseWhileHolding: 'same',
    counterOf: (held) =>
      typeof held === 'string' ? { tableName: capacityTable(), key: { pk: held }, amount: 1 } : undefined,
  });

  return {
    async reserve({ resourceId, region, flavor }) {
      const resource = await readHold(resourceId, 'capacityHeld');
      if (!resource) return 'RESOURCE_GONE';
      if (resource.held !== undefined) return 'ALREADY_RESERVED';
      const pk = capacityKey(region, flavor);
      return slotHolds.take({
        resourceId,
        held: pk,
        counter: { tableName: capacityTable(), key: { pk }, amount: 1 },
        // `used + 1 <= total` is `used < total`: DynamoDB conditions compare, they do not add.
        guard: { condition: 'attribute_exists(pk) AND #used < #total', names: { '#total': 'total' } },
        refused: 'NO_SLOT',
      });
    },

    release: async (resourceId) => slotHolds.release(resourceId),
  };
}
