/** The worker fleet's slots and the queue its node agents take commands from (domain/worker-fleet.ts). */
import type { WorkerCommand, WorkerSlotLease } from '../../../shared/contracts/provisioning-worker.js';
import type { SlotLeaseRecord } from '../domain/worker-fleet.js';

export interface WorkerFleet {
  /** Every slot some command holds or held (expired leases included: the caller knows the time). */
  leases(): Promise<SlotLeaseRecord[]>;
  /** Takes `slot` if it is free, its lease expired, or this lease holds it already. */
  claim(lease: WorkerSlotLease & { untilMs: number; nowMs: number }): Promise<'CLAIMED' | 'TAKEN'>;
  /** Extends this lease; `LOST` when another command took the slot meanwhile (this one's lease had expired). */
  renew(lease: WorkerSlotLease & { untilMs: number }): Promise<'RENEWED' | 'LOST'>;
  /** Frees the slot if this lease still holds it. */
  release(lease: WorkerSlotLease): Promise<'RELEASED' | 'NOT_HELD'>;
}

export interface WorkerQueue {
  send(command: WorkerCommand): Promise<void>;
}
