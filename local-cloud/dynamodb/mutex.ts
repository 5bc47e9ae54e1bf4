/**
 * A FIFO async mutex. Every critical section waits for the previous one to settle, so sections never interleave
 * even when they await I/O.
 */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `section` once every section queued before it has finished, and returns its result. */
  async runExclusive<T>(section: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release: () => void = () => {};
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await section();
    } finally {
      release();
    }
  }
}
