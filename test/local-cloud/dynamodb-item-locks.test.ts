import { describe, expect, it } from 'vitest';
import { ItemLocks } from '../../local-cloud/dynamodb/item-locks.js';

/** A write that runs until `finish` is called, recording when it started. */
function heldWrite(log: string[], name: string) {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    apply: async () => {
      log.push(`${name} started`);
      await done;
      log.push(`${name} done`);
    },
    finish,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ItemLocks', () => {
  it('runs writes to one item one after another, and writes to other items at once', async () => {
    // Prepare
    const locks = new ItemLocks();
    const log: string[] = [];
    const first = heldWrite(log, 'a1');
    const second = heldWrite(log, 'a2');
    const other = heldWrite(log, 'b1');

    // Act
    const writes = [locks.write(['a'], first.apply), locks.write(['a'], second.apply), locks.write(['b'], other.apply)];
    await settle();
    const whileFirstRuns = [...log];
    first.finish();
    await settle();
    second.finish();
    other.finish();
    await Promise.all(writes);

    // Assess
    expect(whileFirstRuns).toEqual(['a1 started', 'b1 started']);
    expect(log.indexOf('a2 started')).toBeGreaterThan(log.indexOf('a1 done'));
  });

  it('lets a transaction take its items after the writes queued on them, and reports them held until released', async () => {
    // Prepare
    const locks = new ItemLocks();
    const log: string[] = [];
    const queued = heldWrite(log, 'write');
    const write = locks.write(['a'], queued.apply);

    // Act
    const taking = locks.takeForTransaction(['a', 'b']);
    await settle();
    const heldWhileWriteRuns = locks.heldByTransaction(['a', 'b', 'c']);
    let taken = false;
    void taking.then(() => {
      taken = true;
    });
    await settle();
    const takenBeforeWriteFinished = taken;
    queued.finish();
    await write;
    const transaction = await taking;

    // Assess
    expect(heldWhileWriteRuns).toEqual(['a', 'b']);
    expect(takenBeforeWriteFinished).toBe(false);
    expect('release' in transaction).toBe(true);
    if ('release' in transaction) transaction.release();
    expect(locks.heldByTransaction(['a', 'b'])).toEqual([]);
  });

  it('answers the conflicting items to a second transaction and takes nothing for it', async () => {
    // Prepare
    const locks = new ItemLocks();
    const first = await locks.takeForTransaction(['a', 'b']);

    // Act
    const second = await locks.takeForTransaction(['b', 'c']);

    // Assess
    expect(second).toEqual({ conflicts: ['b'] });
    expect(locks.heldByTransaction(['c'])).toEqual([]);
    if ('release' in first) first.release();
    expect(await locks.takeForTransaction(['b', 'c'])).toHaveProperty('release');
  });

  it('tells a reader whether one of its items was written while it watched', async () => {
    // Prepare
    const locks = new ItemLocks();
    const untouched = locks.watch(['a']);
    const touched = locks.watch(['b']);

    // Act
    await locks.write(['b'], async () => undefined);
    untouched.stop();
    touched.stop();

    // Assess
    expect(untouched.written).toBe(false);
    expect(touched.written).toBe(true);
    expect(locks.busy(['a', 'b'])).toEqual([]);
  });
});
