import * as z from 'zod';

/**
 * What an EventBridge schedule rule (`rate(1 hour)`, `cron(...)`) delivers to its Lambda target. `time` is when the
 * rule fired (UTC, to the second), which is what a scheduled job computes "up to", so a retried invocation of the same
 * event computes the same figures.
 */
export const ScheduledEvent = z.object({
  id: z.string().min(1),
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  time: z.iso.datetime({ offset: true }),
  resources: z.array(z.string()),
  detail: z.unknown().optional(),
});
export type ScheduledEvent = z.infer<typeof ScheduledEvent>;
