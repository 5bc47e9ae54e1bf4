/**
 * Task tokens of `.waitForTaskToken` tasks: minted per attempt, parked until SendTaskSuccess / SendTaskFailure, kept
 * alive by SendTaskHeartbeat, and answering like AWS once their task is over.
 *
 * A caller holding a token gets, as from AWS (the SendTaskSuccess API reference):
 * - `InvalidToken` for a token this registry did not mint: garbage, altered, or another cloud's ("foreign");
 * - `TaskTimedOut` for a token whose task is closed: answered already, timed out (its heartbeat or timeout fired),
 *   or abandoned because its execution ended. That holds for tokens forgotten since (only closed ones are), because a
 *   token proves its origin: the registry signs what it mints (an HMAC with a key of its own), so it can tell one of
 *   its forgotten tokens from a forged one without remembering it.
 * AWS documents `TaskDoesNotExist` for activities ("The activity does not exist"); the local cloud runs no
 * activity (`resources.ts` refuses them at deploy), so no token of it ever gets that answer.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AwsServiceError } from '../aws-protocol.js';

export type TaskCallbackOutcome =
  | { kind: 'success'; output: unknown }
  | { kind: 'failure'; error: string | undefined; cause: string | undefined };

/** The task a token belongs to: its state's name and the input it was scheduled with. */
export interface TokenTask {
  readonly state: string;
  readonly input: unknown;
}

interface TokenEntry {
  open: boolean;
  /** The state machine whose execution waits on the token: what IAM authorizes `SendTask*` against. */
  stateMachineArn?: string;
  task?: TokenTask;
  /** Waiting for the token to close (`whenClosed`). */
  closeWaiters?: Array<() => void>;
  /** An outcome that arrived before the task started waiting (a consumer can answer before `sendMessage` returns). */
  early?: TaskCallbackOutcome;
  deliver?: (outcome: TaskCallbackOutcome) => void;
  onHeartbeat?: () => void;
}

/** Closed tokens are remembered with their state machine (for IAM), up to this many; older ones by signature only. */
const REMEMBERED_CLOSED_TOKENS = 10_000;
/** A token is `AQ` and base64url of a random nonce followed by the first bytes of its HMAC-SHA256. */
const TOKEN_PREFIX = 'AQ';
const NONCE_BYTES = 48;
const SIGNATURE_BYTES = 24;

export class TaskTokenRegistry {
  private readonly entries = new Map<string, TokenEntry>();
  private closedCount = 0;
  /** Signs this registry's tokens; a new one per registry, so another cloud's tokens are foreign here. */
  private readonly signingKey = randomBytes(32);

  /** Mints a token for one task attempt of an execution of `stateMachineArn`. */
  issue(stateMachineArn?: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const token = `${TOKEN_PREFIX}${Buffer.concat([nonce, this.signatureOf(nonce)]).toString('base64url')}`;
    this.entries.set(token, { open: true, stateMachineArn });
    return token;
  }

  /** The state machine of a token's execution, while the token is remembered. */
  stateMachineOf(token: string): string | undefined {
    return this.entries.get(token)?.stateMachineArn;
  }

  /** Tells which task the token belongs to, for whoever asks later (`taskOf`). */
  describe(token: string, task: TokenTask): void {
    const entry = this.entries.get(token);
    if (entry) entry.task = task;
  }

  /** The task of an open token; none once it closed, or for a token never issued. */
  taskOf(token: string): TokenTask | undefined {
    return this.entries.get(token)?.task;
  }

  /** Resolves once the token is answered or its task gave up on it (at once for a closed or unknown token). */
  whenClosed(token: string): Promise<void> {
    const entry = this.entries.get(token);
    if (entry === undefined || !entry.open) return Promise.resolve();
    return new Promise((resolve) => {
      entry.closeWaiters ??= [];
      entry.closeWaiters.push(resolve);
    });
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
    if (entry === undefined && !this.minted(token)) {
      throw new AwsServiceError('InvalidToken', 'Invalid Token: the task token was not issued by this Step Functions');
    }
    if (entry === undefined || !entry.open) {
      throw new AwsServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    return entry;
  }

  /** Whether this registry minted `token` (remembered or not): its signature holds. */
  private minted(token: string): boolean {
    if (!token.startsWith(TOKEN_PREFIX)) return false;
    const bytes = Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url');
    // Buffer.from skips what is not base64url, so a token must also read back exactly as it was written.
    if (
      bytes.length !== NONCE_BYTES + SIGNATURE_BYTES ||
      bytes.toString('base64url') !== token.slice(TOKEN_PREFIX.length)
    ) {
      return false;
    }
    return timingSafeEqual(bytes.subarray(NONCE_BYTES), this.signatureOf(bytes.subarray(0, NONCE_BYTES)));
  }

  private signatureOf(nonce: Buffer): Buffer {
    return createHmac('sha256', this.signingKey).update(nonce).digest().subarray(0, SIGNATURE_BYTES);
  }

  private markClosed(entry: TokenEntry): void {
    entry.open = false;
    entry.deliver = undefined;
    entry.onHeartbeat = undefined;
    // Only an open token's task is asked for; closed ones are remembered by the thousand, without their inputs.
    entry.task = undefined;
    const waiters = entry.closeWaiters ?? [];
    entry.closeWaiters = undefined;
    for (const resolve of waiters) resolve();
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
