/** Hand-written Lambda assets in temporary directories, and specs pointing at them. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FunctionSpec } from '../../local-cloud/lambda/index.js';

/**
 * A CommonJS bundle like the one `NodejsFunction` emits, exporting one handler per behaviour under test. Each
 * function gets its own workers, so `moduleInits` and `invocationsInWorker` count per execution environment.
 */
export const HANDLERS_SOURCE = `
'use strict';
const fs = require('node:fs');
globalThis.moduleInits = (globalThis.moduleInits ?? 0) + 1;
let invocationsInWorker = 0;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

exports.echo = async (event) => {
  invocationsInWorker += 1;
  return { event, moduleInits: globalThis.moduleInits, invocationsInWorker };
};

exports.sleep = async (event) => {
  invocationsInWorker += 1;
  await sleep(event.ms ?? 0);
  return { invocationsInWorker };
};

class PaymentDeclinedError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PaymentDeclinedError';
  }
}
exports.fail = async () => {
  throw new PaymentDeclinedError('card declined');
};

exports.inspect = async (event, context) => ({
  env: process.env,
  context: {
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    awsRequestId: context.awsRequestId,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
    callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
    hasIdentity: context.identity !== undefined,
    clientContext: context.clientContext,
    remainingTimeInMillis: context.getRemainingTimeInMillis(),
  },
});

exports.exit = async () => {
  process.exit(7);
};

exports.throwLater = async () => {
  setTimeout(() => {
    throw new RangeError('thrown from a timer');
  }, 1);
  await sleep(500);
  return 'unreachable';
};

exports.rejectLater = async () => {
  Promise.reject(new Error('nobody awaited me'));
  await sleep(500);
  return 'unreachable';
};

exports.log = async (event) => {
  process.stdout.write(JSON.stringify({ level: 'INFO', message: 'structured', service: 'test' }) + '\\n');
  console.log('plain', event.word);
  return 'logged';
};

exports.callback = (event, context, callback) => {
  setTimeout(() => callback(null, { viaCallback: event.value }), 1);
};

/** Appends every SQS record it sees to $SEEN_FILE and fails the records whose body starts with "fail". */
exports.sqsPartial = async (event) => {
  for (const record of event.Records) fs.appendFileSync(process.env.SEEN_FILE, JSON.stringify(record) + '\\n');
  return {
    batchItemFailures: event.Records.filter((record) => record.body.startsWith('fail')).map((record) => ({
      itemIdentifier: record.messageId,
    })),
  };
};

/**
 * Handles each message once, as an idempotent consumer does: a message another invocation is still working on fails
 * (in progress: retried later), one already handled succeeds doing nothing. Writes each record with what it did and
 * when to $SEEN_FILE; the work itself takes $WORK_MS, 500 ms unless set.
 */
exports.sqsOnce = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    const marker = process.env.SEEN_FILE + '.' + record.messageId;
    const write = (outcome) =>
      fs.appendFileSync(process.env.SEEN_FILE, JSON.stringify({ ...record, outcome, at: Date.now() }) + '\\n');
    if (fs.existsSync(marker)) {
      const done = fs.readFileSync(marker, 'utf8') === 'done';
      write(done ? 'duplicate' : 'inProgress');
      if (!done) batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    fs.writeFileSync(marker, 'working');
    write('started');
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.WORK_MS ?? 500)));
    fs.writeFileSync(marker, 'done');
    write('handled');
  }
  return { batchItemFailures };
};

/** Throws when any record's body is "poison", after writing what it saw to $SEEN_FILE. */
exports.sqsThrow = async (event) => {
  for (const record of event.Records) fs.appendFileSync(process.env.SEEN_FILE, JSON.stringify(record) + '\\n');
  if (event.Records.some((record) => record.body === 'poison')) throw new Error('poison message');
  return null;
};
`;

export interface AssetDirectories {
  root: string;
  /** Writes `files` (relative path → content) into a new directory under the root and returns its path. */
  create(name: string, files: Record<string, string>): Promise<string>;
  remove(): Promise<void>;
}

export async function createAssetDirectories(): Promise<AssetDirectories> {
  const root = await mkdtemp(path.join(tmpdir(), 'lambda-assets-'));
  return {
    root,
    async create(name, files) {
      const directory = path.join(root, name);
      for (const [relativePath, content] of Object.entries(files)) {
        const filePath = path.join(directory, relativePath);
        await mkdir(path.dirname(filePath), { recursive: true });
        await writeFile(filePath, content);
      }
      return directory;
    },
    async remove() {
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A spec as the assembly would resolve it, for function `name` running `handler` from `codeDirectory`. */
export function functionSpec(
  name: string,
  codeDirectory: string,
  handler: string,
  overrides: Partial<FunctionSpec> = {},
): FunctionSpec {
  return {
    logicalId: `${name.replace(/[^A-Za-z0-9]/g, '')}Function`,
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    codeDirectory,
    handler,
    runtime: 'nodejs22.x',
    environment: {},
    timeoutSeconds: 3,
    memorySizeMb: 256,
    ...overrides,
  };
}
