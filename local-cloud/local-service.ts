/**
 * The one shape every emulated service takes in the local cloud: a listener that serves its AWS API, a way to wait
 * until it has nothing in progress, and a way to stop it. The engines (dynalite, fauxqs, the EventBridge and Step
 * Functions engines, the Lambda runtime, the REST API stage) know nothing of HTTP routing; `boot.ts` builds one
 * `LocalService` around each and mounts it.
 */
import type { RequestListener } from 'node:http';

export interface LocalService {
  /** Short name in logs: `dynamodb`, `sqs`, `events`, `stepfunctions`, `lambda`, `apigateway`. */
  readonly name: string;
  /** Serves the service's AWS API. */
  readonly listener: RequestListener;
  /**
   * Where the edge endpoint routes to `listener`: `X-Amz-Target` prefixes (JSON protocols) and path prefixes (REST
   * protocols). A service without edge routes (the REST API) listens on its own port.
   */
  readonly edgeRoutes: { readonly targetPrefixes?: readonly string[]; readonly pathPrefixes?: readonly string[] };
  /** Resolves once the service has nothing in progress (deliveries, executions, invocations). */
  whenIdle(): Promise<void>;
  /** Stops the service; what is in progress ends first or is cut short, as each service documents. */
  stop(): Promise<void>;
}

/** Resolves once every service is idle at the same time. */
export async function whenAllIdle(services: readonly LocalService[]): Promise<void> {
  for (;;) {
    await Promise.all(services.map((service) => service.whenIdle()));
    // A service going idle may have handed work to another (a delivery that started an execution): check again.
    const stillBusy = await Promise.race([
      Promise.all(services.map((service) => service.whenIdle())).then(() => false),
      new Promise<boolean>((resolve) => setImmediate(() => resolve(true))),
    ]);
    if (!stillBusy) return;
  }
}
