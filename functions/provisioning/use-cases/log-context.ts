import { logger } from '../../../shared/powertools/index.js';

/**
 * Puts the SRN on every later log line of this invocation: resources are known by their SRN in every log line, event
 * and audit record. `observability()` resets the keys when the invocation ends.
 */
export function bindSrn(srn: string): void {
  logger.appendKeys({ srn });
}

/** Wraps a saga step's use case so that its logs carry the resource's SRN from the first line. */
export function forResource<TCommand extends { srn: string }, TResult>(
  run: (command: TCommand) => Promise<TResult>,
): (command: TCommand) => Promise<TResult> {
  return (command) => {
    bindSrn(command.srn);
    return run(command);
  };
}
