/**
 * Lowers the CPU priority of the test worker it runs in, when `npm test` asks (scripts/run-tests.mjs sets
 * `SAGASTACK_BACKGROUND_NICENESS` for its unit, local-cloud and infra workers): those files are CPU-bound and do not
 * mind going second. What keeps its priority is what waits on timers: the e2e run, and the fault matrices' local
 * cloud in the main process of the same vitest run. Niced with the workers, that local cloud starved behind the e2e
 * run for seconds at a time, and a saga missed its worker's heartbeat. Run alone (`npm run test:unit`), nothing
 * changes.
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

const niceness = Number(process.env.SAGASTACK_BACKGROUND_NICENESS ?? 0);
if (Number.isInteger(niceness) && niceness > 0) {
  // On Linux a priority belongs to a thread, and the process's threads that already run (V8's garbage collector and
  // compiler, libuv's pool) keep theirs: each is set by its id. Elsewhere the call sets the whole process.
  const threads = threadIdsOfThisProcess();
  for (const thread of threads.length > 0 ? threads : [0]) {
    try {
      setPriority(thread, niceness);
    } catch {
      // Not permitted, or the thread ended: it shares the cores evenly, which costs time, not correctness.
    }
  }
}

function threadIdsOfThisProcess(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number).filter(Number.isInteger);
  } catch {
    return [];
  }
}
