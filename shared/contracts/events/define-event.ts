import * as z from 'zod';
import { CorrelationId } from '../common.js';

/** Every event's detail: who caused it (correlation) and when, then the event's own data. */
export const EventMetadata = z.object({ correlationId: CorrelationId, occurredAt: z.string() });
export type EventMetadata = z.infer<typeof EventMetadata>;

export interface EventContract<TData extends z.ZodType> {
  /** EventBridge `detail-type`; the version is part of it so rules match one version exactly. */
  readonly detailType: string;
  readonly source: string;
  readonly version: number;
  readonly data: TData;
  /** Schema of the full `detail` object. */
  readonly detail: z.ZodObject<{ metadata: typeof EventMetadata; data: TData }>;
  /** Builds a detail object, validated, ready to `JSON.stringify` into PutEvents. */
  create(data: z.infer<TData>, metadata: EventMetadata): { metadata: EventMetadata; data: z.infer<TData> };
}

export function defineEvent<TData extends z.ZodType>(options: {
  name: string;
  version: number;
  source: string;
  data: TData;
}): EventContract<TData> {
  const detail = z.object({ metadata: EventMetadata, data: options.data });
  return {
    detailType: `${options.name}.v${options.version}`,
    source: options.source,
    version: options.version,
    data: options.data,
    detail,
    create: (data, metadata) => detail.parse({ metadata, data }) as { metadata: EventMetadata; data: z.infer<TData> },
  };
}

/** The EventBridge envelope as it reaches an SQS queue or a Lambda target. */
export function eventEnvelope<TDetail extends z.ZodType>(detail: TDetail) {
  return z.object({
    id: z.string(),
    'detail-type': z.string(),
    source: z.string(),
    time: z.string(),
    detail,
  });
}
