/**
 * dynalite, called in-process. dynalite is an HTTP server; its request handler validates a JSON request
 * (`validations/<operation>.js`) and runs the operation (`actions/<operation>.js`) against its store. This engine does
 * the same two steps directly, so a request costs no second HTTP hop, no JSON round trip and no socket wake-up of
 * its own: what dynalite itself spends on a GetItem is about 0.03 ms.
 */
import { createRequire } from 'node:module';
import * as db from 'dynalite/db';
import * as validations from 'dynalite/validations';
import { AwsServiceError, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws-protocol.js';

/** An attribute value in the DynamoDB wire format, e.g. `{ S: 'abc' }`. */
type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

/** The operations dynalite implements (its HTTP handler's list); the rest are answered by the local cloud. */
const DYNALITE_OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;

type Action = (store: db.DynaliteStore, data: Record<string, unknown>, callback: Callback) => void;
type Callback = (error: db.DynaliteError | null | undefined, result?: unknown) => void;
interface ActionValidation {
  readonly types: unknown;
  readonly custom?: unknown;
}

const require = createRequire(import.meta.url);
const actions = new Map<string, { run: Action; validation: ActionValidation }>();
for (const operation of DYNALITE_OPERATIONS) {
  const file = operation.charAt(0).toLowerCase() + operation.slice(1);
  actions.set(operation, {
    run: require(`dynalite/actions/${file}`) as Action,
    validation: require(`dynalite/validations/${file}`) as ActionValidation,
  });
}

export class DynaliteEngine {
  private constructor(private readonly store: db.DynaliteStore) {}

  /** A store in memory, or in the LevelDB directory `persistDir`; table state changes complete at once. */
  static create(persistDir: string | undefined): DynaliteEngine {
    const store = withLocalAccountEnvironment(() =>
      db.create({ ...(persistDir ? { path: persistDir } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }),
    );
    return new DynaliteEngine(store);
  }

  static supports(operation: string): boolean {
    return actions.has(operation);
  }

  /** The largest item the store accepts, in bytes. */
  get maxItemSize(): number {
    return this.store.options.maxItemSize;
  }

  /**
   * Validates `input` as dynalite's HTTP API would (member types, constraints, expression syntax) and answers the
   * validated request, with its parsed expressions (`_condition`, `_updates`, ...). Throws the `AwsServiceError` the
   * service answers for an invalid request. Like dynalite's HTTP handler, it removes from `input` the members the
   * operation does not know: read those before.
   */
  validate(operation: string, input: unknown): Record<string, unknown> {
    const action = actions.get(operation);
    if (!action) throw new AwsServiceError('com.amazon.coral.service#UnknownOperationException', '');
    try {
      const data = validations.checkTypes(input, action.validation.types);
      validations.checkValidations(data, action.validation.types, action.validation.custom, this.store);
      return data;
    } catch (error) {
      throw asServiceError(error);
    }
  }

  /** Runs one operation; a refusal is thrown as the `AwsServiceError` dynalite describes. */
  call<T = Record<string, unknown>>(operation: string, input: unknown): Promise<T> {
    let data: Record<string, unknown>;
    try {
      data = this.validate(operation, input);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.run<T>(operation, data);
  }

  /** Runs an operation on a request `validate` already answered. */
  run<T = Record<string, unknown>>(operation: string, validated: Record<string, unknown>): Promise<T> {
    const action = actions.get(operation);
    if (!action) return Promise.reject(new Error(`dynalite has no operation ${operation}`));
    return new Promise<T>((resolve, reject) => {
      try {
        action.run(this.store, validated, (error, result) => {
          if (error) reject(asServiceError(error));
          else resolve((result ?? {}) as T);
        });
      } catch (error) {
        reject(asServiceError(error));
      }
    });
  }

  /** Whether the condition of a validated write request holds against `item` (`undefined`: no such item). */
  conditionHolds(validated: Record<string, unknown>, item: Item | undefined): boolean {
    return db.checkConditional(validated, item) === null;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (this.store.lifecycleManager) this.store.lifecycleManager.gracefulClose(done);
      else this.store.db.close(done);
    });
  }
}

/** dynalite signals refusals as errors carrying the HTTP body; anything else is an internal failure. */
function asServiceError(error: unknown): AwsServiceError {
  if (error instanceof AwsServiceError) return error;
  const refusal = error as db.DynaliteError;
  if (refusal?.statusCode !== undefined && refusal.body) {
    // Serialization errors carry `Message`, the others `message`, as the real service's answers do.
    const body = refusal.body as { __type: string; message?: string; Message?: string };
    return new AwsServiceError(body.__type, body.message ?? body.Message ?? '', refusal.statusCode);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AwsServiceError('com.amazonaws.dynamodb.v20120810#InternalServerError', message, 500);
}

/**
 * dynalite builds table ARNs from `AWS_REGION` / `AWS_ACCOUNT_ID` when its store is created; pin them to the local
 * cloud's account and region so ARNs match the ones the template resolver produces, whatever the shell exported.
 */
function withLocalAccountEnvironment<T>(create: () => T): T {
  const saved = { AWS_REGION: process.env.AWS_REGION, AWS_ACCOUNT_ID: process.env.AWS_ACCOUNT_ID };
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.AWS_ACCOUNT_ID = LOCAL_ACCOUNT_ID;
  try {
    return create();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
