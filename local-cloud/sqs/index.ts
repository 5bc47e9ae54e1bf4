/** SQS for the local cloud, built on fauxqs. See docs/local-cloud/sqs.md for what is emulated and how. */

/** @public The errors the service throws, for its callers to catch by class. */
export { QueueConfigurationError, QueueNotFoundError, RedriveError, UnsupportedQueuePropertyError } from './errors.js';
/** @public The types of `startLocalSqs`' options and of its listing. */
export { type LocalQueueListing, type LocalSqs, type LocalSqsOptions, startLocalSqs } from './local-sqs.js';
/** @public The queue properties the service accepts, as CloudFormation gives them. */
export type { QueueProps, RedriveAllowPolicyProperty, RedrivePolicyProperty } from './queue-properties.js';
/** @public The types of a queue's description and message counts. */
export type { QueueCounts, QueueInfo } from './queue-state.js';
/** @public The options of a redrive. */
export type { RedriveOptions } from './redrive.js';
