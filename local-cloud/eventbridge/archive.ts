/**
 * An event archive: keeps the events of one bus that match its pattern, in memory and, when a directory is given,
 * in a JSON-lines file (one `{ ingestionTime, event }` per line) that survives restarts.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EventPattern, matchesEventPattern } from './pattern.js';
import type { ArchiveConfig, EventEnvelope } from './types.js';

export interface ArchivedEvent {
  readonly ingestionTime: Date;
  readonly event: EventEnvelope;
}

const DAY_MS = 86_400_000;

export class EventArchive {
  readonly creationTime = new Date();
  private events: ArchivedEvent[] = [];
  private readonly file: string | undefined;

  constructor(
    readonly config: ArchiveConfig,
    private readonly pattern: EventPattern | undefined,
    persistDir: string | undefined,
  ) {
    if (persistDir !== undefined) {
      mkdirSync(persistDir, { recursive: true });
      this.file = join(persistDir, `eventbridge-archive-${encodeURIComponent(config.name)}.jsonl`);
      this.load(this.file);
    }
  }

  private load(file: string): void {
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const stored = JSON.parse(line) as { ingestionTime: string; event: EventEnvelope };
      this.events.push({ ingestionTime: new Date(stored.ingestionTime), event: stored.event });
    }
  }

  /** Stores the event if it came from this archive's bus and matches its pattern. */
  offer(busArn: string, event: EventEnvelope, ingestionTime: Date): boolean {
    if (busArn !== this.config.sourceArn) return false;
    if (this.pattern !== undefined && !matchesEventPattern(this.pattern, event)) return false;
    this.events.push({ ingestionTime, event });
    if (this.file !== undefined) {
      // Written synchronously so an accepted event is on disk before PutEvents answers.
      appendFileSync(this.file, `${JSON.stringify({ ingestionTime: ingestionTime.toISOString(), event })}\n`);
    }
    return true;
  }

  /** Events still within retention, received between `start` (inclusive) and `end` (exclusive), oldest first. */
  eventsBetween(start: Date, end: Date, now = new Date()): ArchivedEvent[] {
    return this.retained(now).filter(
      ({ ingestionTime }) => ingestionTime.getTime() >= start.getTime() && ingestionTime.getTime() < end.getTime(),
    );
  }

  retained(now = new Date()): ArchivedEvent[] {
    const retentionDays = this.config.retentionDays ?? 0;
    if (retentionDays <= 0) return this.events;
    const oldest = now.getTime() - retentionDays * DAY_MS;
    this.events = this.events.filter(({ ingestionTime }) => ingestionTime.getTime() >= oldest);
    return this.events;
  }

  sizeBytes(): number {
    return this.retained().reduce((total, { event }) => total + Buffer.byteLength(JSON.stringify(event)), 0);
  }
}
