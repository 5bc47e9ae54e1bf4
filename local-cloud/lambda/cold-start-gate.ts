/**
 * How many execution environments the host initializes at once. On Lambda every environment has its own CPU; here
 * they all share the machine's cores. A burst of cold starts (20 concurrent sagas would start well over a hundred
 * environments) takes the CPU from the invocations already running until they exceed their timeouts, a failure AWS
 * would never show. A queued cold start waits before its init begins, as an environment still being provisioned
 * does, so neither its init clock nor any invocation's timeout runs while it waits.
 */
import { availableParallelism } from 'node:os';

export interface ColdStartTicket {
  /** Gives up a cold start that has not begun; answers false once it has. */
  cancel(): boolean;
}

export class ColdStartGate {
  private running = 0;
  private readonly queue: (() => Promise<unknown>)[] = [];

  constructor(readonly limit: number) {}

  /** Runs `start` when fewer than `limit` cold starts are under way; its slot is held until the promise settles. */
  schedule(start: () => Promise<unknown>): ColdStartTicket {
    this.queue.push(start);
    this.pump();
    return {
      cancel: () => {
        const index = this.queue.indexOf(start);
        if (index < 0) return false;
        this.queue.splice(index, 1);
        return true;
      },
    };
  }

  private pump(): void {
    while (this.running < this.limit) {
      const start = this.queue.shift();
      if (!start) return;
      this.running += 1;
      void Promise.resolve()
        .then(start)
        .catch(() => undefined)
        .finally(() => {
          this.running -= 1;
          this.pump();
        });
    }
  }
}

/** One gate for the whole process: every local cloud in it shares the same cores. */
export const coldStartGate = new ColdStartGate(Math.max(2, availableParallelism()));
