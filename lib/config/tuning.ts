/**
 * Every tunable of the platform, in one place. Change a number here, not in a stack.
 * Durations are plain numbers with their unit in the name so that this file stays free of CDK imports
 * and can be read by tests, benchmarks and the local cloud alike.
 */
export const tuning = {
  lambda: {
    /** Most handlers finish in tens of milliseconds; 10 s leaves room for a cold start plus DynamoDB retries. */
    defaultTimeoutSeconds: 10,
    defaultMemoryMb: 512,
    /** The most a function's minified bundle may weigh (the AWS SDK excluded): a test holds every handler to it. */
    bundleBudgetKb: 250,
    /**
     * The budget of a function that carries the AWS Encryption SDK (it seals or opens personal data): the SDK and its
     * ECDSA and stream dependencies weigh ~230 KB minified, the price of envelope encryption (docs/adr/0040).
     */
    encryptionSdkBundleBudgetKb: 550,
  },
  queue: {
    /** Receives before a message moves to its DLQ: enough for transient errors, few enough to surface poison fast. */
    maxReceiveCount: 3,
    /** Visibility timeout is 6x the consumer's timeout so a slow batch is not redelivered while it still runs. */
    visibilityTimeoutFactor: 6,
    retentionDays: 4,
    /** DLQs keep messages for the maximum SQS allows, so an operator has two weeks to redrive them. */
    dlqRetentionDays: 14,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    /** Backpressure: at most this many concurrent batches per consumer, protecting the tables behind it. */
    maxConcurrency: 5,
  },
  dynamodb: {
    /**
     * A transaction that met another on a hot item (a popular SKU, a tenant's quota) is sent again this many times,
     * after a random pause of up to base x 2^attempt ms, before the conflict reaches the use case as a TransientError
     * (and the saga's own, slower retry). DynamoDB cancels such transactions by design and recommends exactly this.
     */
    contentionRetries: 5,
    contentionBaseDelayMs: 15,
  },
  idempotency: {
    /** How long a command's result is replayed for a repeat: longer than any client or saga retry window. */
    ttlSeconds: 24 * 60 * 60,
  },
  retry: {
    /** Saga steps: transient errors are retried with exponential backoff and full jitter before compensating. */
    transient: { intervalSeconds: 1, maxAttempts: 3, backoffRate: 2, maxDelaySeconds: 8 },
    /** Compensations must not give up easily: they retry longer, then land in the compensation DLQ with an alarm. */
    compensation: { intervalSeconds: 1, maxAttempts: 6, backoffRate: 2, maxDelaySeconds: 30 },
    /**
     * A step meeting its own earlier attempt's idempotency record still IN_PROGRESS waits it out: 2 + 4 + 8 + 16 s,
     * unjittered, three times the default function timeout that bounds how long such a record stays locked.
     */
    inProgress: { intervalSeconds: 2, maxAttempts: 4, backoffRate: 2, maxDelaySeconds: 16 },
    /**
     * A worker command waiting for a free slot of the fleet (WorkerFleetBusyError): about 4½ minutes on average with
     * full jitter (9 at most), long enough for a fleet of 10 to work off a burst of a thousand commands, before the
     * saga gives up with WORKERS_BUSY.
     */
    workerFleetBusy: { intervalSeconds: 2, maxAttempts: 40, backoffRate: 1.5, maxDelaySeconds: 15 },
    /**
     * A provisioning whose node agent missed its heartbeat sends its command once more (a new token, a new agent)
     * before it compensates with WORKER_TIMEOUT (docs/adr/0017-worker-slots.md).
     */
    silentWorker: { intervalSeconds: 1, maxAttempts: 1, backoffRate: 1, maxDelaySeconds: 1 },
    /** Publishing an outcome event is retried like a transient step; if it still fails the event goes to a DLQ. */
    publish: { intervalSeconds: 1, maxAttempts: 3, backoffRate: 2, maxDelaySeconds: 8 },
  },
  saga: {
    /** A checkout that has not finished in this time is failed by Step Functions. */
    checkoutTimeoutMinutes: 15,
    /** Provisioning waits on a worker; an execution still running after this is failed. */
    provisioningTimeoutMinutes: 60,
  },
  provisioning: {
    /** The worker must heartbeat within this; a silent worker is presumed dead and the saga compensates. */
    workerHeartbeatSeconds: 15,
    /** The longest a worker may take for one command, heartbeats or not. */
    workerTaskTimeoutSeconds: 600,
    /** How long the simulated node agent works on a provision, and how often it heartbeats meanwhile. */
    simulatedWorkMs: 1500,
    simulatedHeartbeatMs: 500,
    /** Worker commands one agent takes at a time, and agents at most: the capacity of the fleet, and its slots. */
    workerBatchSize: 1,
    workerMaxConcurrency: 10,
    /** Quota of a tenant without an explicit one. */
    defaultTenantQuota: { vcpu: 16, memoryGiB: 64, storageGiB: 500 },
    /** How often the billing worker turns meters into usage lines. */
    billingSchedule: 'rate(1 hour)',
  },
  events: {
    /** EventBridge target retries before the event goes to the target's DLQ. */
    targetMaxRetries: 8,
    targetMaxEventAgeSeconds: 60 * 60,
    archiveRetentionDays: 30,
  },
  api: {
    /** Stage-wide throttling (requests per second and burst), answered with 429 beyond it. */
    throttlingRateLimit: 200,
    throttlingBurstLimit: 400,
    authorizerCacheTtlSeconds: 300,
    /**
     * The largest request body a handler reads (64 KiB). API Gateway's own limit is 10 MB, but no command of the
     * platform needs more than a few KiB: a bigger body is a mistake or an attack, refused with 413 before it is parsed.
     * The WAF of a firewalled stage blocks it already at the edge (docs/adr/0030-edge-protection.md).
     */
    maxRequestBodyBytes: 64 * 1024,
  },
  identity: {
    /**
     * A service account's token lives 15 minutes: a revoked secret mints nothing more, and what was minted before is
     * usable at most this long (docs/service-accounts.md). There is no deny-list of issued tokens.
     */
    tokenLifetimeSeconds: 900,
  },
  webhooks: {
    /**
     * When a failed delivery is tried again (functions/webhooks/domain/retry-schedule.ts): 1 min, then doubling, each
     * step capped at 12 h (the longest SQS keeps a message aside), with equal jitter (50 to 100 % of the step). 12
     * attempts span 14½ to 29 h, about 22 h on average, before the delivery goes to the DLQ. A stage may shorten it
     * (`webhooks.retrySchedule` in lib/config/stages.ts).
     */
    retrySchedule: { maxAttempts: 12, firstRetrySeconds: 60, backoffRate: 2, maxDelaySeconds: 12 * 60 * 60 },
    /** The receiver must answer within this; a slower answer is a failed attempt (and frees the slot). */
    requestTimeoutSeconds: 5,
    /** Concurrent calls to one endpoint at most: a slow receiver holds two deliverers, never the fleet. */
    endpointConcurrency: 2,
    /** A delivery that found its endpoint's slots all held waits about this long (jittered), not counted as an attempt. */
    busyEndpointRetrySeconds: 5,
    /** Concurrent deliverers in all (the queue's event source): what every endpoint together can hold. */
    maxConcurrency: 20,
    /**
     * Receives of one delivery message before SQS itself dead-letters it: a backstop only, for a deliverer that keeps
     * crashing. Attempts are counted by the delivery log (retrySchedule.maxAttempts); waits for a busy endpoint's slot
     * raise the receive count too, hence the margin.
     */
    maxReceiveCount: 100,
    /** After a rotation, the previous secret keeps signing beside the new one for this long. */
    secretOverlapSeconds: 24 * 60 * 60,
  },
  firewall: {
    /**
     * Requests one client IP may send in the rate rule's window before the WAF blocks it (429) until its rate falls
     * back: 2000 in 5 minutes is about 7 per second sustained, far above what one customer's app sends and far below
     * the stage-wide throttle (`api.throttlingRateLimit`), so one address cannot use up the stage's budget alone.
     */
    rateLimitPerIp: 2000,
    /** The window the WAF counts an address's requests over (WAF allows 60, 120, 300 or 600 seconds). */
    rateWindowSeconds: 300,
  },
  alarms: {
    /** API 5xx rate (percent of requests) over 5 minutes that pages. */
    api5xxPercent: 1,
    /** p99 latency of the API (ms) over 5 minutes. */
    apiP99LatencyMs: 2000,
  },
} as const;
