/**
 * The fault matrices, checkout (fault-matrices/checkout.ts) and provisioning (fault-matrices/provisioning.ts), as one
 * file whose two suites run at once (`describe.concurrent`) against the project's local cloud (support/fault-matrix-setup.ts).
 * Each mostly waits on its sagas' retries while the local cloud, in vitest's main process, does the work: as two files
 * they held both of `npm test`'s workers for most of a minute, as one they hold one, and the other worker runs the
 * unit, local-cloud and infra files meanwhile.
 */
import './fault-matrices/checkout.js';
import './fault-matrices/provisioning.js';
