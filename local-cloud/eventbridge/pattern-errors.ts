/** Base class of the errors an event pattern can raise when it is checked (at boot or by TestEventPattern). */
export class EventPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventPatternError';
  }
}

/** The pattern breaks a rule AWS enforces too; AWS would answer `InvalidEventPatternException`. */
export class InvalidEventPatternError extends EventPatternError {
  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.name = 'InvalidEventPatternError';
  }
}

/** The pattern uses something the local cloud does not emulate, so it refuses it rather than match wrongly. */
export class UnsupportedEventPatternError extends EventPatternError {
  constructor(feature: string) {
    super(`Event pattern uses ${feature}, which the local cloud's EventBridge does not support`);
    this.name = 'UnsupportedEventPatternError';
  }
}
