/** The platform context's own routes: the health checks. */
import * as z from 'zod';

const HealthCheck = z.object({ name: z.string(), status: z.enum(['ok', 'fail']), latencyMs: z.number() });
export const HealthReady = z.object({
  status: z.enum(['ok', 'fail']),
  checks: z.array(HealthCheck),
  version: z.string(),
  commit: z.string(),
  buildDate: z.string(),
  uptimeSeconds: z.number(),
});
