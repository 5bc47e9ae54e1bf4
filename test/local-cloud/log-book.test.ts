/** The local cloud's log lines as a test in another process reads them (`local-cloud/log-book.ts`). */
import { describe, expect, it } from 'vitest';
import { LogBook } from '../../local-cloud/log-book.js';

describe('LogBook', () => {
  it('answers the lines written after a cursor, oldest first, and the cursor to read on from', () => {
    // Prepare
    const book = new LogBook();
    book.record('[StartCheckoutFn] START RequestId: r1 Version: $LATEST');
    const { cursor } = book.after(0);
    book.record('[PriceCartFn] {"level":"INFO","message":"Saga step done"}');
    book.record('sqs: redrove 1 message(s)');

    // Act
    const page = book.after(cursor);

    // Assess
    expect(page).toEqual({
      lines: ['[PriceCartFn] {"level":"INFO","message":"Saga step done"}', 'sqs: redrove 1 message(s)'],
      cursor: 3,
      dropped: 0,
    });
    expect(book.after(page.cursor).lines).toEqual([]);
  });

  it('keeps the latest lines only, and says how many a reader missed', () => {
    // Prepare
    const book = new LogBook(3);
    for (const line of ['a', 'b', 'c', 'd', 'e']) book.record(line);

    // Act
    const fromStart = book.after(0);
    const fromSecond = book.after(1);
    const fromLast = book.after(4);

    // Assess
    expect(fromStart).toEqual({ lines: ['c', 'd', 'e'], cursor: 5, dropped: 2 });
    expect(fromSecond).toEqual({ lines: ['c', 'd', 'e'], cursor: 5, dropped: 1 });
    expect(fromLast).toEqual({ lines: ['e'], cursor: 5, dropped: 0 });
  });

  it('records what it passes on to the caller’s own log', () => {
    // Prepare
    const book = new LogBook();
    const passedOn: string[] = [];
    const log = book.tee((line) => passedOn.push(line));

    // Act
    log('one');
    book.tee(undefined)('two');

    // Assess
    expect(passedOn).toEqual(['one']);
    expect(book.after(0).lines).toEqual(['one', 'two']);
  });
});
