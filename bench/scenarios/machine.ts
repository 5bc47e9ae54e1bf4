/**
 * How fast this machine is right now, on work shaped like the local cloud's: loopback HTTP round trips, and JSON,
 * hashing and small allocations as the SDK and the emulators do them. On a shared VM the same commit measured an hour
 * apart differed by a quarter (docs/benchmarks.md); these two figures tell whether the machine or the code changed.
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Figure } from '../figures.js';

const SECTION = 'Machine (reference work, to compare runs taken at different times)';
const ROUND_TRIPS = 3000;
const WORK_ITEMS = 20_000;

export async function machineReference(): Promise<Figure[]> {
  return [
    {
      id: 'machine.httpRoundTrip',
      section: SECTION,
      label: 'loopback HTTP round trip (keep-alive, small JSON)',
      value: await httpRoundTripMs(),
      unit: 'ms',
    },
    {
      id: 'machine.cpuWork',
      section: SECTION,
      label: `JSON, SHA-256 and HMAC of ${WORK_ITEMS.toLocaleString('en-US')} request-sized items`,
      value: cpuWorkMs(),
      unit: 'ms',
    },
  ];
}

async function httpRoundTripMs(): Promise<number> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end('{"TableName":"t","Key":{"id":{"S":"1"}}}');
    });
  try {
    for (let warm = 0; warm < 300; warm++) await once();
    const started = performance.now();
    for (let trip = 0; trip < ROUND_TRIPS; trip++) await once();
    return (performance.now() - started) / ROUND_TRIPS;
  } finally {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

function cpuWorkMs(): number {
  const item = (index: number) => ({
    TableName: 'Local-Checkout-Inventory',
    Key: { sku: { S: `SKU-${index}` } },
    UpdateExpression: 'SET reserved = reserved + :quantity',
    ExpressionAttributeValues: { ':quantity': { N: String(index % 7) }, ':checkout': { S: `c-${index}` } },
  });
  const started = performance.now();
  let digest = '';
  for (let index = 0; index < WORK_ITEMS; index++) {
    const body = JSON.stringify(item(index));
    const parsed = JSON.parse(body) as { Key: unknown };
    const hash = createHash('sha256').update(body).digest('hex');
    digest = createHmac('sha256', hash).update(JSON.stringify(parsed.Key)).digest('hex');
  }
  if (digest.length === 0) throw new Error('unreachable: keeps the loop from being optimised away');
  return performance.now() - started;
}
