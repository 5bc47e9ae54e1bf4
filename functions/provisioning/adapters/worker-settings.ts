/**
 * The worker fleet's settings, from the environment the provisioning stack sets (the figures are in
 * lib/config/tuning.ts). Each is read when it is used, so that a function is given only the ones it needs.
 */
import { requiredEnv } from '../../../shared/environment.js';
import { parseWorkerTiming, type WorkerTiming } from '../domain/node-agent.js';

export interface WorkerFleetSettings {
  /** Agents in the fleet, as many slots (WORKER_FLEET_SIZE). */
  readonly fleetSize: number;
  /** See {@link workerLeaseMsFromEnv}. */
  readonly leaseMs: number;
}

/** What the dispatcher needs to hand out slots. */
export function fleetSettingsFromEnv(): WorkerFleetSettings {
  return { fleetSize: Number(requiredEnv('WORKER_FLEET_SIZE')), leaseMs: workerLeaseMsFromEnv() };
}

/** How long a slot's lease lasts unless its agent renews it: WORKER_LEASE_SECONDS, the task's `HeartbeatSeconds`. */
export function workerLeaseMsFromEnv(): number {
  return Number(requiredEnv('WORKER_LEASE_SECONDS')) * 1000;
}

/**
 * How long the simulated agent works (WORKER_DURATION_MS) and how often it heartbeats meanwhile
 * (WORKER_HEARTBEAT_MS); nonsense is refused (domain/node-agent.ts).
 */
export function workerTimingFromEnv(): WorkerTiming {
  return parseWorkerTiming(requiredEnv('WORKER_DURATION_MS'), requiredEnv('WORKER_HEARTBEAT_MS'));
}
