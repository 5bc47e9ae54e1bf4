/** SQS for the local cloud, built on fauxqs. See docs/local-cloud/sqs.md for what is emulated and how. */
export { QueueConfigurationError, QueueNotFoundError, RedriveError, UnsupportedQueuePropertyError } from './errors.js';
export { type LocalQueueListing, type LocalSqs, type LocalSqsOptions, startLocalSqs } from './local-sqs.js';
export type { QueueProps, RedriveAllowPolicyProperty, RedrivePolicyProperty } from './queue-properties.js';
export type { QueueCounts, QueueInfo } from './queue-state.js';
export type { RedriveOptions } from './redrive.js';
