/**
 * What the readiness check of this deployment is about, from the environment the API stack sets: the tables to probe
 * (HEALTH_CHECK_TABLES) and the build that runs (APP_VERSION, APP_COMMIT, APP_BUILD_DATE), with the uptime.
 */
import { optionalEnv, requiredEnv } from '../../../shared/environment.js';
import { parseHealthCheckTables, type ReadinessInput } from '../domain/health.js';

/** Module load is the start of this execution environment, as far as uptime is concerned. */
const loadedAt = Date.now();

export function readinessInputFromEnv(): ReadinessInput {
  return {
    tables: parseHealthCheckTables(requiredEnv('HEALTH_CHECK_TABLES')),
    // Build metadata is informative: its absence must not make an otherwise healthy function unready.
    build: {
      version: optionalEnv('APP_VERSION', 'unknown'),
      commit: optionalEnv('APP_COMMIT', 'unknown'),
      buildDate: optionalEnv('APP_BUILD_DATE', 'unknown'),
    },
    uptimeSeconds: Math.floor((Date.now() - loadedAt) / 1000),
  };
}
