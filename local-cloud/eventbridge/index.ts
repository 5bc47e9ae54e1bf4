/** The local cloud's EventBridge: what the integrator wires into the edge server. */
export { eventBridgeApi } from './api.js';
export { TargetDeliveryError } from './delivery.js';
export {
  LocalEventBridge,
  type LocalEventBridgeOptions,
  type ReplayDescription,
  type ReplayState,
  type RuleSummary,
  type StartReplayInput,
} from './event-bus.js';
export { UnsupportedJsonPathError } from './json-path.js';
export {
  assertSupportedPattern,
  type EventPattern,
  EventPatternError,
  InvalidEventPatternError,
  matchesEventPattern,
  parseEventPattern,
  UnsupportedEventPatternError,
} from './pattern.js';
export type { PutEventsRequestEntry, PutEventsResult, PutEventsResultEntry } from './put-events.js';
export { InvalidEventBridgeConfigError, InvalidTargetConfigError, UnsupportedTargetOptionError } from './rule.js';
export type {
  ArchiveConfig,
  DeliveryOptions,
  EventBusConfig,
  EventEnvelope,
  RuleConfig,
  TargetConfig,
  TargetDispatcher,
} from './types.js';
