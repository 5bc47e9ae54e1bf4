/** Fixtures for the event contract tests. */
export const METADATA = { correlationId: 'corr-1', occurredAt: '2026-01-01T00:00:00.000Z' };
