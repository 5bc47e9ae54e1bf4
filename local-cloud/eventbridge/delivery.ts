/**
 * Asynchronous, retried delivery of matched events to rule targets, with dead-letter queues. PutEvents returns as soon
 * as deliveries are queued; every queued delivery stays in an in-flight set until it succeeded, was dead-lettered, or
 * was dropped (and counted), so `whenIdle()` can wait for all of them and no event disappears silently.
 */
import { TargetInputError, type TargetInputRenderer } from './target-input.js';
import type { DeliveryOptions, EventEnvelope, RetryPolicyConfig, TargetDispatcher } from './types.js';

/**
 * Thrown by a dispatcher to say how a delivery failed. `retryable: false` (e.g. the target does not exist) sends the
 * event to the dead-letter queue at once, as AWS does for RESOURCE_NOT_FOUND.
 */
export class TargetDeliveryError extends Error {
  constructor(
    message: string,
    /** The ERROR_CODE AWS would report, e.g. `RESOURCE_NOT_FOUND`, `THROTTLING`. */
    readonly errorCode = 'SDK_CLIENT_ERROR',
    readonly retryable = true,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TargetDeliveryError';
  }
}

export interface DeliveryTuning {
  /** First retry waits about this long; each further retry doubles it (with jitter). */
  readonly retryBaseDelayMs: number;
  /** No single wait between attempts is longer than this. */
  readonly retryMaxDelayMs: number;
  /** Local cap on how long one event is retried, whatever its MaximumEventAgeInSeconds, so a run never takes hours. */
  readonly retryWindowCapMs: number;
  /** Retries when the target has no MaximumRetryAttempts. */
  readonly defaultMaximumRetryAttempts: number;
  readonly log: (line: string) => void;
}

/** One matched (event, rule, target) to deliver. */
export interface DeliveryJob {
  readonly event: EventEnvelope;
  readonly ingestionTime: Date;
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly targetId: string;
  readonly targetArn: string;
  readonly render: TargetInputRenderer;
  readonly retryPolicy: RetryPolicyConfig | undefined;
  readonly deadLetterArn: string | undefined;
  readonly sqsMessageGroupId: string | undefined;
}

/** Counters describing what happened to deliveries so far. */
export interface DeliveryStats {
  delivered: number;
  retried: number;
  deadLettered: number;
  /** Events that failed for good with no dead-letter queue (or whose dead-letter delivery failed too). */
  dropped: number;
}

const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400;

interface Sleeper {
  readonly timer: NodeJS.Timeout;
  readonly wake: () => void;
}

export class DeliveryQueue {
  readonly stats: DeliveryStats = { delivered: 0, retried: 0, deadLettered: 0, dropped: 0 };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sleepers = new Set<Sleeper>();
  private closing = false;

  constructor(
    private readonly dispatcher: TargetDispatcher,
    private readonly tuning: DeliveryTuning,
  ) {}

  /** Queues a delivery; it starts on a later turn of the event loop so the caller's response goes out first. */
  enqueue(job: DeliveryJob): void {
    this.track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.deliverWithRetries(job)));
  }

  /** Keeps any asynchronous work (e.g. a replay) in the in-flight set until it settles. */
  track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.tuning.log(`eventbridge: background work failed: ${describe(error)}`);
    });
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  /** Resolves once nothing is in flight, including work queued while waiting. */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Stops waiting between retries: every pending delivery makes one last attempt now and, if it fails, goes to its
   * dead-letter queue (or is dropped and counted). Resolves when all work has settled.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    this.sleepers.clear();
    await this.whenIdle();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        wake: resolve,
      };
      this.sleepers.add(sleeper);
    });
  }

  private backoff(retryNumber: number): number {
    const exponential = Math.min(this.tuning.retryMaxDelayMs, this.tuning.retryBaseDelayMs * 2 ** retryNumber);
    // "Equal jitter": half fixed, half random, so retries spread out but still grow.
    return exponential / 2 + Math.random() * (exponential / 2);
  }

  private async deliverWithRetries(job: DeliveryJob): Promise<void> {
    const options: DeliveryOptions = { ruleArn: job.ruleArn };
    if (job.sqsMessageGroupId !== undefined) {
      options.sqsMessageGroupId = job.sqsMessageGroupId;
      options.messageDeduplicationId = job.event.id;
    }
    let input: string;
    try {
      input = job.render(job.event, { ruleArn: job.ruleArn, ruleName: job.ruleName, ingestionTime: job.ingestionTime });
    } catch (error) {
      const code = error instanceof TargetInputError ? 'INVALID_INPUT' : 'SDK_CLIENT_ERROR';
      return this.giveUp(job, code, describe(error), 'MaximumRetryAttempts', 0);
    }
    const maximumRetries = job.retryPolicy?.maximumRetryAttempts ?? this.tuning.defaultMaximumRetryAttempts;
    const maximumAgeMs = Math.min(
      (job.retryPolicy?.maximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000,
      this.tuning.retryWindowCapMs,
    );
    for (let retries = 0; ; retries++) {
      try {
        await this.dispatcher.deliver(job.targetArn, input, {
          ...options,
          attempt: { eventId: job.event.id, retries },
        });
        this.stats.delivered++;
        return;
      } catch (error) {
        const code = error instanceof TargetDeliveryError ? error.errorCode : 'SDK_CLIENT_ERROR';
        const message = describe(error);
        if (error instanceof TargetDeliveryError && !error.retryable) {
          return this.giveUp(job, code, message, 'MaximumRetryAttempts', retries);
        }
        if (retries >= maximumRetries || this.closing) {
          return this.giveUp(job, code, message, 'MaximumRetryAttempts', retries);
        }
        const delay = this.backoff(retries);
        if (Date.now() + delay - job.ingestionTime.getTime() > maximumAgeMs) {
          return this.giveUp(job, code, message, 'MaximumEventAgeInSeconds', retries);
        }
        this.stats.retried++;
        this.tuning.log(
          `eventbridge: delivery of event ${job.event.id} to ${job.targetArn} failed (${message}); retry ${retries + 1} in ${Math.round(delay)} ms`,
        );
        await this.sleep(delay);
      }
    }
  }

  private async giveUp(
    job: DeliveryJob,
    errorCode: string,
    errorMessage: string,
    exhaustedCondition: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds',
    retryAttempts: number,
  ): Promise<void> {
    if (job.deadLetterArn === undefined) {
      this.stats.dropped++;
      this.tuning.log(
        `eventbridge: dropped event ${job.event.id} for target ${job.targetId} of rule ${job.ruleName} after ${retryAttempts} retries (no dead-letter queue): ${errorCode} ${errorMessage}`,
      );
      return;
    }
    // AWS sends the original event (not the transformed input) with these attributes describing the failure.
    const messageAttributes = {
      ERROR_CODE: errorCode,
      ERROR_MESSAGE: errorMessage,
      EXHAUSTED_RETRY_CONDITION: exhaustedCondition,
      RETRY_ATTEMPTS: String(retryAttempts),
      RULE_ARN: job.ruleArn,
      TARGET_ARN: job.targetArn,
    };
    try {
      await this.dispatcher.deliver(job.deadLetterArn, JSON.stringify(job.event), {
        messageAttributes,
        ruleArn: job.ruleArn,
      });
      this.stats.deadLettered++;
      this.tuning.log(`eventbridge: event ${job.event.id} for target ${job.targetId} sent to ${job.deadLetterArn}`);
    } catch (error) {
      this.stats.dropped++;
      this.tuning.log(
        `eventbridge: dropped event ${job.event.id}: dead-letter delivery to ${job.deadLetterArn} failed: ${describe(error)}`,
      );
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
