/**
 * The fault matrices' own local cloud (checkout and provisioning), booted with their faults (they hit only their
 * sagas, by correlation ID).
 * A project of its own, beside unit, local-cloud and infra in `npm test`'s first stream: its sagas mostly wait (on
 * retries and on idempotency records locked by a lost answer), so they cost little CPU, and they do not lengthen
 * the end-to-end stream, whose files run one at a time. It is only ever a local target: faults are the local cloud's.
 * Its timers are scaled as the e2e suite's (local-timing.ts); the Retry scale was chosen for its lost answers.
 */
import type { TestProject } from 'vitest/node';
import { MATRIX_FAULT_TARGETS } from './fault-matrix.js';
import { startLocalTarget } from './global-setup.js';
import { PROVISIONING_MATRIX_TARGETS } from './provisioning-fault-matrix.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { cloud, target } = await startLocalTarget({
    faults: { seed: 'fault-matrix', rates: {}, targets: [...MATRIX_FAULT_TARGETS, ...PROVISIONING_MATRIX_TARGETS] },
  });
  project.provide('target', target);
  return () => cloud.stop();
}
