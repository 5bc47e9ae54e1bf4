/**
 * `GET /_local-cloud/faults` on the edge endpoint: the fault plan the local cloud runs with and every fault injected
 * so far. Not an AWS API: the local cloud's own, for tests and tools in another process (the end-to-end suite's fault
 * matrix checks that each of its faults did happen).
 */
import type { RequestListener } from 'node:http';
import type { FaultInjector } from './fault-plan.js';

export const FAULTS_PATH = '/_local-cloud/faults';

export function faultsListener(faults: FaultInjector): RequestListener {
  return (req, res) => {
    const status = req.method === 'GET' ? 200 : 405;
    const body =
      status === 200
        ? { plan: faults.plan, counts: faults.counts(), injected: faults.injected() }
        : { message: `${req.method} is not served here; GET ${FAULTS_PATH}` };
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}
