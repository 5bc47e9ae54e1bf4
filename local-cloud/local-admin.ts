/**
 * Operations only the local cloud offers, under `/_local/` on the edge endpoint (loopback only): things AWS does on
 * its own clock that a developer or a test wants now.
 * - `POST /_local/rules/{ruleName}/fire`: delivers a scheduled rule's event now (AWS fires it on its schedule).
 */
import type { RequestListener } from 'node:http';
import { AwsServiceError, sendAwsError, sendJson } from './aws-protocol.js';
import type { LocalEventBridge } from './eventbridge/index.js';

export function localAdminListener(events: LocalEventBridge): RequestListener {
  return (req, res) => {
    const fire = /^\/_local\/rules\/([^/]+)\/fire$/.exec(req.url ?? '');
    try {
      if (req.method === 'POST' && fire?.[1]) {
        const event = events.fireScheduledRule(decodeURIComponent(fire[1]));
        sendJson(res, 200, { fired: decodeURIComponent(fire[1]), event }, 'application/json');
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
