/**
 * Reading a saga failure as a state machine's Catch records it under `$.failure`. Pure: no AWS imports, so the
 * domains of every context can use it.
 */

import type { CaughtFailure } from '../contracts/common.js';

/** A step failure as the state machine's Catch records it (the contract's one definition). */
export type { CaughtFailure };

export interface LambdaErrorCause {
  readonly errorType?: string;
  readonly errorMessage?: string;
}

/** `Cause` is JSON for Lambda errors but free text for others (`States.Timeout`), and may be absent. */
export function parseLambdaErrorCause(cause: string | undefined): LambdaErrorCause | undefined {
  if (!cause) return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { errorType, errorMessage } = parsed as Record<string, unknown>;
    return {
      ...(typeof errorType === 'string' ? { errorType } : {}),
      ...(typeof errorMessage === 'string' ? { errorMessage } : {}),
    };
  } catch {
    return undefined;
  }
}
