/** GET /health/ready: can this function reach the tables it depends on? Plus what build is running. */
import type { z } from 'zod';
import type { HealthReady } from '../../../shared/contracts/platform-api.js';
import { logger } from '../../../shared/powertools/index.js';
import { type HealthCheckResult, overallStatus, type ReadinessInput } from '../domain/health.js';
import type { TableProbe } from '../ports/table-probe.js';

export interface CheckReadinessPorts {
  readonly probe: TableProbe;
  /** Milliseconds, monotonic. @default performance.now */
  readonly now?: () => number;
}

export async function checkReadiness(
  input: ReadinessInput,
  ports: CheckReadinessPorts,
): Promise<z.infer<typeof HealthReady>> {
  const now = ports.now ?? (() => performance.now());
  const checks = await Promise.all(
    input.tables.map(async (table): Promise<HealthCheckResult> => {
      const startedAt = now();
      try {
        await ports.probe.probe(table);
        return { name: table.tableName, status: 'ok', latencyMs: Math.round(now() - startedAt) };
      } catch (error) {
        logger.warn('Health check failed', { table: table.tableName, error: error as Error });
        return { name: table.tableName, status: 'fail', latencyMs: Math.round(now() - startedAt) };
      }
    }),
  );
  return { status: overallStatus(checks), checks, ...input.build, uptimeSeconds: input.uptimeSeconds };
}
