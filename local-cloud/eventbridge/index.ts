/** The local cloud's EventBridge: what the integrator wires into the edge server. */
export { eventBridgeApi } from './api.js';
export { TargetDeliveryError } from './delivery.js';
/** @public The types of `LocalEventBridge`'s options and answers. */
export {
  LocalEventBridge,
  type LocalEventBridgeOptions,
  type ReplayDescription,
  type ReplayState,
  type RuleSummary,
  type StartReplayInput,
} from './event-bus.js';
/** @public The errors the service throws, for its callers to catch by class. */
export { UnsupportedJsonPathError } from './json-path.js';
/** @public The event pattern matcher on its own: parse, check and match a pattern, and its errors. */
export {
  assertSupportedPattern,
  type EventPattern,
  EventPatternError,
  InvalidEventPatternError,
  matchesEventPattern,
  parseEventPattern,
  UnsupportedEventPatternError,
} from './pattern.js';
/** @public The types of `PutEvents`' entries and answer. */
export type { PutEventsRequestEntry, PutEventsResult, PutEventsResultEntry } from './put-events.js';
/** @public The errors the service throws, for its callers to catch by class. */
export { InvalidEventBridgeConfigError, InvalidTargetConfigError, UnsupportedTargetOptionError } from './rule.js';
/** @public The configuration the caller builds: bus, rules, targets, archives, delivery. */
export type {
  ArchiveConfig,
  DeliveryOptions,
  EventBusConfig,
  EventEnvelope,
  RuleConfig,
  TargetConfig,
  TargetDispatcher,
} from './types.js';
