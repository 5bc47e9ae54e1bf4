import { afterEach, describe, expect, it, vi } from 'vitest';
import { Progress } from '../../../local-cloud/cli/progress.js';

/** A stand-in for stderr that keeps what was written; a terminal or not, as each test says. */
function fakeStream(isTTY: boolean, columns = 100) {
  const written: string[] = [];
  const stream = {
    isTTY,
    columns,
    write: (chunk: string) => {
      written.push(String(chunk));
      return true;
    },
    // What a terminal's stream adds: ora moves the cursor to rewrite its line in place.
    cursorTo: (x: number) => stream.write(`\u001b[${x + 1}G`),
    moveCursor: () => true,
    clearLine: () => stream.write('\u001b[2K'),
    on: () => stream,
    once: () => stream,
    removeListener: () => stream,
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => written.join('') };
}

describe('Progress', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('prints plain lines, each finished step with its time, when the stream is not a terminal', () => {
    // Prepare
    const { stream, text } = fakeStream(false);
    const progress = new Progress({ stream });

    // Act
    progress.start('synthesize Local');
    progress.done('synthesized');
    progress.start('boot');
    progress.fail('the local cloud did not start');

    // Assess
    expect(text()).toMatch(
      /^synthesize Local\.\.\.\n {2}synthesize Local: synthesized \(\d+\.\d s\)\nboot\.\.\.\n {2}FAILED boot: the local cloud did not start \(\d+\.\d s\)\n$/,
    );
  });

  it('prints plain lines on a terminal too when CI is set, so CI logs hold no spinner frames', () => {
    // Prepare
    vi.stubEnv('CI', 'true');
    const { stream, text } = fakeStream(true);
    const progress = new Progress({ stream });

    // Act
    progress.start('checkouts, 10 clients');
    progress.update('3/60 sagas ended');
    progress.done('12.0 checkouts/s');

    // Assess: the first update comes only after a few seconds, so none here; no escape codes at all.
    expect(text()).toMatch(
      /^checkouts, 10 clients\.\.\.\n {2}checkouts, 10 clients: 12\.0 checkouts\/s \(\d+\.\d s\)\n$/,
    );
    expect(text()).not.toContain('\u001b[');
  });

  it('prints plain lines on a terminal that reports no width, where a spinner could not rewrite its line', () => {
    // Prepare: a pseudo-terminal without a size (`script`, `docker run -t`) reports 0 columns.
    vi.stubEnv('CI', '');
    vi.stubEnv('TERM', 'xterm-256color');
    const { stream, text } = fakeStream(true, 0);
    const progress = new Progress({ stream });

    // Act
    progress.start('synthesize Local');
    progress.done('synthesized');

    // Assess
    expect(text()).toMatch(/^synthesize Local\.\.\.\n {2}synthesize Local: synthesized \(\d+\.\d s\)\n$/);
  });

  it('turns a spinner on a terminal and leaves the finished step on screen with its time', () => {
    // Prepare
    vi.stubEnv('CI', '');
    vi.stubEnv('TERM', 'xterm-256color');
    const { stream, text } = fakeStream(true);
    const progress = new Progress({ stream });

    // Act
    progress.start('boot');
    progress.update('starting services');
    progress.done('http://127.0.0.1:4566');

    // Assess: ora rewrites the line in place (escape codes) and ends it with the step's result and time.
    expect(text()).toContain('\u001b[');
    expect(text()).toMatch(/boot: http:\/\/127\.0\.0\.1:4566 \(\d+\.\d s\)\n/);
  });
});
