import { describe, expect, it } from 'vitest';
import { physicalName } from '../../local-cloud/deploy/physical-names.js';

describe('physicalName', () => {
  it('names a resource <stack>-<logicalId>-<suffix>, like CloudFormation', () => {
    // Act
    const name = physicalName('Local-Checkout', 'OrdersQueue');

    // Assess
    expect(name).toMatch(/^Local-Checkout-OrdersQueue-[0-9A-F]{12}$/);
  });

  it('is the same on every boot, so a persisted cloud finds its resources again', () => {
    // Act
    const first = physicalName('Local-Checkout', 'OrdersQueue');
    const second = physicalName('Local-Checkout', 'OrdersQueue');

    // Assess
    expect(second).toBe(first);
  });

  it('differs between resources and between stacks', () => {
    // Act
    const names = new Set([
      physicalName('Local-Checkout', 'OrdersQueue'),
      physicalName('Local-Checkout', 'OrdersQueue2'),
      physicalName('Local-Audit', 'OrdersQueue'),
    ]);

    // Assess
    expect(names.size).toBe(3);
  });

  it('fits the maximum length of the resource type, shortening the stack and logical id parts', () => {
    // Prepare
    const stackName = 'Local-AVeryLongStackNameThatGoesOnAndOnForeverAndEverWithoutEnd';
    const logicalId = 'AnEvenLongerLogicalIdOfAConstructNestedDeepInsideAnotherConstruct1234ABCD';

    // Act
    const lengths = [48, 64, 80].map((maxLength) => physicalName(stackName, logicalId, maxLength).length);
    const short = physicalName(stackName, logicalId, 48);

    // Assess
    expect(lengths).toEqual([48, 64, 80]);
    expect(short).toMatch(/^Local-AVeryLongSt-AnEvenLongerLogic-[0-9A-F]{12}$/);
  });

  it('gives the room a short stack name leaves to the logical id', () => {
    // Act
    const name = physicalName('Local-Api', 'AnEvenLongerLogicalIdOfAConstructNestedDeepInsideAnotherConstruct', 64);

    // Assess
    expect(name).toMatch(/^Local-Api-AnEvenLongerLogicalIdOfAConstructNestedDe-[0-9A-F]{12}$/);
    expect(name).toHaveLength(64);
  });
});
