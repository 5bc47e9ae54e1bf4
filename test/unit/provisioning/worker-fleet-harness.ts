/** Fixtures for the worker fleet tests: slot leases at a fixed time, and the refusal of a conditional write. */
export const NOW_MS = 1_000_000;

export const held = (slot: string, leaseId: string, leasedUntilMs = NOW_MS + 1) => ({ slot, leaseId, leasedUntilMs });

export const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
