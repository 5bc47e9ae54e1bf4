/**
 * States whose ASL `Comment` starts with this undo work or park a failure for an operator. The `Saga` construct writes
 * it; tools that read a definition (the saga report) mark those states as compensations without knowing the saga.
 * No CDK import here, so that tools can read it cheaply.
 */
export const COMPENSATION_COMMENT = 'Compensation';
