import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ColdStartGate } from '../../local-cloud/lambda/cold-start-gate.js';
import { ConcurrencyAccount } from '../../local-cloud/lambda/concurrency.js';
import { type ExecutionResult, FunctionPool } from '../../local-cloud/lambda/function-pool.js';
import { type AssetDirectories, createAssetDirectories, functionSpec, HANDLERS_SOURCE } from './lambda-fixture.js';

let assets: AssetDirectories;
let handlersDirectory: string;

beforeAll(async () => {
  assets = await createAssetDirectories();
  handlersDirectory = await assets.create('handlers', { 'index.js': HANDLERS_SOURCE });
});

afterAll(async () => {
  await assets.remove();
});

/** A start that holds its gate slot until `finish` is called. */
function heldStart() {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const started: string[] = [];
  const start = (name: string) => () => {
    started.push(name);
    return done;
  };
  return { start, finish, started };
}

describe('ColdStartGate', () => {
  it('runs at most `limit` starts at once, in order, and holds each slot until its start settles', async () => {
    // Prepare
    const gate = new ColdStartGate(2);
    const held = heldStart();

    // Act
    for (const name of ['a', 'b', 'c']) gate.schedule(held.start(name));
    await new Promise((resolve) => setImmediate(resolve));
    const beforeFinish = [...held.started];
    held.finish();
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(beforeFinish).toEqual(['a', 'b']);
    expect(held.started).toEqual(['a', 'b', 'c']);
  });

  it('lets a queued start be cancelled, but not one that began', async () => {
    // Prepare
    const gate = new ColdStartGate(1);
    const held = heldStart();
    const first = gate.schedule(held.start('first'));
    const second = gate.schedule(held.start('second'));
    await new Promise((resolve) => setImmediate(resolve));

    // Act
    const cancelledFirst = first.cancel();
    const cancelledSecond = second.cancel();
    held.finish();
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(cancelledFirst).toBe(false);
    expect(cancelledSecond).toBe(true);
    expect(held.started).toEqual(['first']);
  });
});

/** Reserves and runs one `sleep` invocation of `pool`. */
async function invokeSleep(pool: FunctionPool, ms: number): Promise<ExecutionResult> {
  const reservation = pool.tryReserve();
  if ('throttled' in reservation) throw new Error(`throttled: ${reservation.throttled}`);
  return pool.execute(reservation, {
    requestId: randomUUID(),
    eventJson: JSON.stringify({ ms }),
    invokedFunctionArn: pool.spec.arn,
    traceId: 'Root=1-00000000-000000000000000000000000',
    clientContext: undefined,
  });
}

describe('FunctionPool bounded environments', () => {
  it('runs at most maxEnvironments environments; invocations beyond wait for one and all complete', async () => {
    // Prepare
    const pool = new FunctionPool(
      functionSpec('bounded', handlersDirectory, 'index.sleep'),
      {},
      new ConcurrencyAccount(10, 0),
      () => undefined,
      { maxEnvironments: 2, gate: new ColdStartGate(4) },
    );
    try {
      // Act
      const results = await Promise.all([0, 1, 2, 3, 4].map(() => invokeSleep(pool, 50)));

      // Assess: five invocations in flight at once, served by two environments.
      expect(results.every((result) => 'payloadJson' in result)).toBe(true);
      expect(pool.stats).toMatchObject({ coldStarts: 2, warmStarts: 3, invocations: 5, maxConcurrentSeen: 5 });
    } finally {
      await pool.stop();
    }
  });

  it('starts a new environment for a waiting invocation when the only one is lost to a timeout', async () => {
    // Prepare
    const pool = new FunctionPool(
      functionSpec('lost', handlersDirectory, 'index.sleep', { timeoutSeconds: 1 }),
      {},
      new ConcurrencyAccount(10, 0),
      () => undefined,
      { maxEnvironments: 1, gate: new ColdStartGate(4) },
    );
    try {
      // Act: the first times out (its environment is discarded); the second waits for it, then cold starts.
      const [first, second] = await Promise.all([invokeSleep(pool, 3000), invokeSleep(pool, 0)]);

      // Assess
      expect(first).toMatchObject({ timedOut: true, error: { errorType: 'Sandbox.Timedout' } });
      expect(second).toMatchObject({ payloadJson: JSON.stringify({ invocationsInWorker: 1 }) });
      expect(pool.stats).toMatchObject({ coldStarts: 2, timeouts: 1 });
    } finally {
      await pool.stop();
    }
  });
});

describe('FunctionPool cold starts', () => {
  it('gives an environment handed back to an invocation still waiting for its cold start', async () => {
    // Prepare: one warm environment, then every cold-start slot taken.
    const gate = new ColdStartGate(1);
    const pool = new FunctionPool(
      functionSpec('handback', handlersDirectory, 'index.sleep'),
      {},
      new ConcurrencyAccount(10, 0),
      () => undefined,
      { maxEnvironments: 10, gate },
    );
    const invoke = async (ms: number): Promise<ExecutionResult> => {
      const reservation = pool.tryReserve();
      if ('throttled' in reservation) throw new Error(`throttled: ${reservation.throttled}`);
      const request = {
        requestId: randomUUID(),
        eventJson: JSON.stringify({ ms }),
        invokedFunctionArn: pool.spec.arn,
        traceId: 'Root=1-00000000-000000000000000000000000',
        clientContext: undefined,
      };
      return pool.execute(reservation, request);
    };
    try {
      await invoke(0);
      const blocker = heldStart();
      gate.schedule(blocker.start('blocker'));

      // Act: the first takes the warm environment; the second must wait, and gets it back when the first is done.
      const [first, second] = await Promise.all([invoke(100), invoke(0)]);
      blocker.finish();

      // Assess
      expect(first).toMatchObject({ payloadJson: JSON.stringify({ invocationsInWorker: 2 }) });
      expect(second).toMatchObject({ payloadJson: JSON.stringify({ invocationsInWorker: 3 }) });
      expect(pool.stats).toMatchObject({ coldStarts: 1, warmStarts: 2, invocations: 3, errors: 0 });
    } finally {
      await pool.stop();
    }
  });
});

describe('FunctionPool CPU profiles', () => {
  it('has each environment write a V8 CPU profile, named after the function, when the pool stops', async () => {
    // Prepare
    const profileDirectory = await assets.create('profiles', {});
    const pool = new FunctionPool(
      functionSpec('Local-Checkout-ProfiledFn0123ABCD-XYZ', handlersDirectory, 'index.sleep'),
      {},
      new ConcurrencyAccount(10, 0),
      () => undefined,
      { maxEnvironments: 1, gate: new ColdStartGate(4), cpuProfileDirectory: profileDirectory },
    );

    // Act
    try {
      await invokeSleep(pool, 0);
    } finally {
      await pool.stop();
    }

    // Assess
    const profiles = readdirSync(profileDirectory);
    expect(profiles).toEqual([expect.stringMatching(/^ProfiledFn-\d+-\d+\.cpuprofile$/)]);
    const profile = JSON.parse(readFileSync(path.join(profileDirectory, profiles[0] ?? ''), 'utf8'));
    expect(profile.nodes.length).toBeGreaterThan(0);
  });
});
