/**
 * Operations only the local cloud offers, under `/_local/` on the edge endpoint (loopback only): things AWS does on
 * its own clock that a developer or a test wants now, and what AWS shows in its consoles.
 * - `POST /_local/rules/{ruleName}/fire`: delivers a scheduled rule's event now (AWS fires it on its schedule).
 * - `GET /_local/logs?after={cursor}`: the log lines of the services and functions since `cursor` (log-book.ts), as
 *   `{ lines, cursor, dropped }`; without `after`, every line kept.
 * - `GET /_local/events/recent?limit={n}`: the last events the buses routed (at most 200 are kept), newest first, each
 *   with the rules it matched and what became of each delivery to their targets (eventbridge/recent-events.ts), as
 *   `{ events, capacity }`. AWS has no API for this; the saga console's Events page reads it (docs/console.md).
 */
import type { RequestListener } from 'node:http';
import { AwsServiceError, sendAwsError, sendJson } from './aws-protocol.js';
import type { LocalEventBridge } from './eventbridge/index.js';
import { RECENT_EVENTS_CAPACITY } from './eventbridge/recent-events.js';
import type { LogBook } from './log-book.js';

export function localAdminListener(events: LocalEventBridge, logs: LogBook): RequestListener {
  return (req, res) => {
    const fire = /^\/_local\/rules\/([^/]+)\/fire$/.exec(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://local');
    try {
      if (req.method === 'POST' && fire?.[1]) {
        const event = events.fireScheduledRule(decodeURIComponent(fire[1]));
        sendJson(res, 200, { fired: decodeURIComponent(fire[1]), event }, 'application/json');
        return;
      }
      if (req.method === 'GET' && url.pathname === '/_local/logs') {
        const after = Number(url.searchParams.get('after') ?? '0');
        if (!Number.isSafeInteger(after) || after < 0) {
          throw new AwsServiceError(
            'ValidationException',
            `after must be a cursor, not ${url.searchParams.get('after')}`,
          );
        }
        sendJson(res, 200, logs.after(after), 'application/json');
        return;
      }
      if (req.method === 'GET' && url.pathname === '/_local/events/recent') {
        const limit = Number(url.searchParams.get('limit') ?? RECENT_EVENTS_CAPACITY);
        if (!Number.isSafeInteger(limit) || limit < 1) {
          throw new AwsServiceError(
            'ValidationException',
            `limit must be a positive integer, not ${url.searchParams.get('limit')}`,
          );
        }
        sendJson(
          res,
          200,
          { events: events.recentEvents.latest(limit), capacity: RECENT_EVENTS_CAPACITY },
          'application/json',
        );
        return;
      }
      throw new AwsServiceError('UnknownOperationException', `No local operation ${req.method} ${req.url}`, 404);
    } catch (error) {
      sendAwsError(
        res,
        error instanceof AwsServiceError ? error : new AwsServiceError('InternalFailure', String(error), 500),
        'application/json',
      );
    }
  };
}
