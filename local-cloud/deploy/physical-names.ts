import { createHash } from 'node:crypto';

/**
 * A physical name like the ones CloudFormation generates (`<stack>-<logicalId>-<suffix>`), but deterministic, so that a
 * persisted local cloud finds its tables and queues again after a restart.
 */
export function physicalName(stackName: string, logicalId: string, maxLength = 64): string {
  const suffix = createHash('sha256').update(`${stackName}/${logicalId}`).digest('hex').slice(0, 12).toUpperCase();
  const room = maxLength - suffix.length - 2;
  const stackPart = stackName.slice(0, Math.floor(room / 2));
  const logicalPart = logicalId.slice(0, room - stackPart.length);
  return `${stackPart}-${logicalPart}-${suffix}`;
}
