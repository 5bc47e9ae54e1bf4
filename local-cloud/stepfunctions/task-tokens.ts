/**
 * Task tokens of `.waitForTaskToken` tasks: minted per attempt, parked until SendTaskSuccess / SendTaskFailure, kept
 * alive by SendTaskHeartbeat, and answering like AWS once their task is over.
 */
import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../aws-protocol.js';

export type TaskCallbackOutcome =
  | { kind: 'success'; output: unknown }
  | { kind: 'failure'; error: string | undefined; cause: string | undefined };

interface TokenEntry {
  open: boolean;
  /** An outcome that arrived before the task started waiting (a consumer can answer before `sendMessage` returns). */
  early?: TaskCallbackOutcome;
  deliver?: (outcome: TaskCallbackOutcome) => void;
  onHeartbeat?: () => void;
}

/** Closed tokens are remembered so late callers get `TaskTimedOut` rather than `InvalidToken`, up to this many. */
const REMEMBERED_CLOSED_TOKENS = 10_000;

export class TaskTokenRegistry {
  private readonly entries = new Map<string, TokenEntry>();
  private closedCount = 0;

  /** Mints a token for one task attempt. */
  issue(): string {
    const token = `AQ${randomBytes(96).toString('base64url')}`;
    this.entries.set(token, { open: true });
    return token;
  }

  /** Parks until the token is answered. `onHeartbeat` runs on each SendTaskHeartbeat. */
  awaitOutcome(token: string, onHeartbeat: () => void): Promise<TaskCallbackOutcome> {
    const entry = this.entries.get(token);
    const early = entry?.early;
    if (entry !== undefined && early !== undefined) {
      entry.early = undefined;
      return Promise.resolve(early);
    }
    return new Promise((resolve) => {
      if (entry === undefined || !entry.open) return;
      entry.deliver = resolve;
      entry.onHeartbeat = onHeartbeat;
    });
  }

  /** Ends the token's life without an answer (the task timed out, missed a heartbeat, or its execution closed). */
  close(token: string): void {
    const entry = this.entries.get(token);
    if (entry === undefined) return;
    entry.early = undefined;
    if (entry.open) this.markClosed(entry);
  }

  /** SendTaskSuccess / SendTaskFailure. */
  complete(token: string, outcome: TaskCallbackOutcome): void {
    const entry = this.openEntry(token);
    const deliver = entry.deliver;
    if (deliver === undefined) entry.early = outcome;
    this.markClosed(entry);
    deliver?.(outcome);
  }

  /** SendTaskHeartbeat. */
  heartbeat(token: string): void {
    this.openEntry(token).onHeartbeat?.();
  }

  private openEntry(token: string): TokenEntry {
    const entry = this.entries.get(token);
    if (entry === undefined) throw new AwsServiceError('InvalidToken', 'Invalid Token');
    if (!entry.open) throw new AwsServiceError('TaskTimedOut', 'Task Timed Out');
    return entry;
  }

  private markClosed(entry: TokenEntry): void {
    entry.open = false;
    entry.deliver = undefined;
    entry.onHeartbeat = undefined;
    this.closedCount += 1;
    if (this.closedCount > REMEMBERED_CLOSED_TOKENS) this.forgetOldestClosed();
  }

  private forgetOldestClosed(): void {
    for (const [token, entry] of this.entries) {
      if (!entry.open && entry.early === undefined) {
        this.entries.delete(token);
        this.closedCount -= 1;
        return;
      }
    }
  }
}
