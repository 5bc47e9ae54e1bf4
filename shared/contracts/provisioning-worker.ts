/**
 * What the provisioning sagas send to the node agent (the worker queue), and what the agent answers through the
 * Step Functions task token. `DispatchToWorker` and `DestroyResource` are `.waitForTaskToken` Lambda tasks: the state
 * machine builds the command, DispatchWorkerCommand sends it once a worker slot is free, and the agent answers with
 * `SendTaskSuccess` (the output lands at `$.worker`), `SendTaskFailure` or nothing at all (then the task's
 * `HeartbeatSeconds` fires).
 */
import * as z from 'zod';
import { CorrelationId, Identifier } from './common.js';

const WorkerCommandName = z.enum(['provision', 'destroy']);

/**
 * What `DispatchToWorker` and `DestroyResource` hand to DispatchWorkerCommand: the command, with the task token of
 * the waiting state. The dispatcher sends it on only once it holds a worker slot.
 */
export const WorkerDispatch = z.object({
  command: WorkerCommandName,
  /** Step Functions task tokens are opaque; the API accepts up to 2048 characters. */
  taskToken: z.string().min(1).max(2048),
  resourceId: Identifier,
  srn: z.string().min(1).max(512),
  flavor: z.string().min(1).max(64),
  region: z.string().min(1).max(32),
  type: z.enum(['vm', 'volume']),
  correlationId: CorrelationId,
});
export type WorkerDispatch = z.infer<typeof WorkerDispatch>;

/** The slot of the worker fleet a command holds: the agent renews it while it works and frees it when done. */
export const WorkerSlotLease = z.object({ slot: z.string().min(1).max(64), leaseId: z.string().min(1).max(128) });
export type WorkerSlotLease = z.infer<typeof WorkerSlotLease>;

export const WorkerCommand = WorkerDispatch.extend({
  /** Absent on commands sent before worker slots existed (docs/adr/0016): they still run, holding no slot. */
  workerSlot: WorkerSlotLease.optional(),
});
export type WorkerCommand = z.infer<typeof WorkerCommand>;

/**
 * `SendTaskSuccess` output of a `provision` command: the node the resource runs on. The saga holds the answer to this
 * contract (`AttachStorageCommand`), so the node id is an identifier like any other (it reaches the resource item,
 * the API and the events) and the address a dotted IPv4 address.
 */
export const ProvisionedNode = z.object({ nodeId: Identifier, ipAddress: z.ipv4() });
export type ProvisionedNode = z.infer<typeof ProvisionedNode>;

/** `SendTaskSuccess` output of a `destroy` command. */
export const DestroyedNode = z.object({ destroyed: z.literal(true) });
export type DestroyedNode = z.infer<typeof DestroyedNode>;

/** The error name of `SendTaskFailure` when provisioning fails; the saga's Catch maps it to `PROVISIONING_FAILED`. */
export const PROVISIONING_FAILED_ERROR = 'ProvisioningFailedError';
