import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineEvent } from '../../../../shared/contracts/events/define-event.js';
import { outcomeEvent } from '../../../../shared/saga/outcome-event.js';

describe('outcomeEvent', () => {
  const Tested = defineEvent({
    name: 'Tested',
    version: 2,
    source: 'sagastack.test',
    data: z.object({ id: z.string() }),
  });
  const METADATA = { correlationId: 'corr-0001', occurredAt: '2026-01-01T00:00:00.000Z' };

  it('is what the state machine publishes: detail-type with its version, source, and the validated detail', () => {
    // Act
    const event = outcomeEvent(Tested, { id: 'x-1' }, METADATA);

    // Assess
    expect(event).toEqual({
      detailType: 'Tested.v2',
      source: 'sagastack.test',
      detail: { metadata: METADATA, data: { id: 'x-1' } },
    });
  });

  it('refuses data its contract does not accept, so a malformed event is never published', () => {
    // Act
    const building = () => outcomeEvent(Tested, { id: 7 } as unknown as { id: string }, METADATA);

    // Assess
    expect(building).toThrow(z.ZodError);
  });
});
