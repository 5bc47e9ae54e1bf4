/**
 * The console's layout thread (graph-layouts.ts): elkjs runs here, off the local cloud's event loop, because laying
 * a saga out takes elkjs a hundred milliseconds or more, during which the services would otherwise answer nothing.
 * One message in, `{ id, graph }` (elkjs's JSON graph); one message out, `{ id, laidOut }` or `{ id, error }`.
 * CommonJS and plain JavaScript so that Node loads it as it is, under tsx and vitest alike.
 */
const { parentPort, workerData } = require('node:worker_threads');

const ELK = require(workerData.elkBundle);
const elk = new ELK();

parentPort.on('message', ({ id, graph }) => {
  elk.layout(graph).then(
    (laidOut) => parentPort.postMessage({ id, laidOut }),
    (error) => parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
});
