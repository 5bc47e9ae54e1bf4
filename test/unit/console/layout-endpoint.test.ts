import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElkNode } from '../../../local-cloud/console/elk-graph.js';
import {
  GraphLayouts,
  LayoutUnavailableError,
  layoutGraphOf,
  MAX_LAYOUT_BODY_BYTES,
  MAX_NESTING,
} from '../../../local-cloud/console/graph-layouts.js';
import { consoleListener } from '../../../local-cloud/console/server.js';
import { graphOf } from '../../../local-cloud/console/static/graph-model.js';
import { sagaDefinition } from './fixtures.js';

/**
 * `POST /_console/layout` (local-cloud/console/graph-layouts.ts): the console's server lays a definition's graph out
 * with elkjs in a worker thread and keeps each layout, so a fresh browser needs neither elkjs nor its cold start.
 */
describe('console layout endpoint', () => {
  let layouts: GraphLayouts;
  let server: Server;
  let layoutUrl: string;

  beforeAll(async () => {
    layouts = new GraphLayouts();
    server = createServer(consoleListener(layouts));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    layoutUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_console/layout`;
  });

  afterAll(async () => {
    await layouts.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (body: string, contentType = 'application/json') =>
    fetch(layoutUrl, { method: 'POST', headers: { 'Content-Type': contentType }, body });

  it('answers a graph with every state and edge placed, top to bottom along the saga', async () => {
    // Prepare
    const graph = graphOf(sagaDefinition);

    // Act
    const response = await post(JSON.stringify(graph));

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const laidOut = (await response.json()) as ElkNode;
    const placed = new Map((laidOut.children ?? []).map((node) => [node.id, node]));
    expect([...placed.keys()].sort()).toEqual(graph.nodes.map((node) => node.id).sort());
    for (const node of placed.values()) {
      expect(node).toMatchObject({ x: expect.any(Number), y: expect.any(Number) });
      expect(node.width).toBeGreaterThan(0);
      expect(node.height).toBeGreaterThan(0);
    }
    const y = (id: string) => placed.get(id)?.y ?? Number.NaN;
    expect(y('root:start')).toBeLessThan(y('ReserveInventory'));
    expect(y('ReserveInventory')).toBeLessThan(y('ProcessPayment'));
    expect(y('RefundPayment')).toBeLessThan(y('ReleaseInventory'));
    expect(y('ReleaseInventory')).toBeLessThan(y('Failed'));
    expect(laidOut.edges?.map((edge) => edge.id).sort()).toEqual(graph.edges.map((edge) => edge.id).sort());
    for (const edge of laidOut.edges ?? []) expect(edge.sections?.length).toBeGreaterThan(0);
  });

  it('places the states of a Parallel branch inside their branch, relative to it', async () => {
    // Prepare
    const definition = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
            { StartAt: 'Right', States: { Right: { Type: 'Pass', End: true } } },
          ],
        },
      },
    };

    // Act
    const response = await post(JSON.stringify(graphOf(definition)));

    // Assess
    expect(response.status).toBe(200);
    const laidOut = (await response.json()) as ElkNode;
    const parallel = laidOut.children?.find((node) => node.id === 'Both');
    const branches = parallel?.children ?? [];
    expect(branches).toHaveLength(2);
    const left = branches.flatMap((branch) => branch.children ?? []).find((node) => node.id === 'Left');
    expect(left?.x).toBeGreaterThanOrEqual(0);
    expect(left?.y).toBeGreaterThanOrEqual(0);
    expect(parallel?.width).toBeGreaterThan(left?.width ?? Number.POSITIVE_INFINITY);
  });

  it('refuses a body that is not a graph with a 400 saying why, and goes on serving', async () => {
    // Prepare
    const graph = graphOf(sagaDefinition);
    const dangling = { ...graph, edges: [...graph.edges, { id: 'e-x', source: 'Failed', target: 'Nowhere' }] };

    // Act
    const notJson = await post('{"nodes": [');
    const noNodes = await post(JSON.stringify({ edges: [] }));
    const danglingEdge = await post(JSON.stringify(dangling));
    const afterwards = await post(JSON.stringify(graph));

    // Assess
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toMatch(/^The body is not JSON/);
    expect(noNodes.status).toBe(400);
    expect(await noNodes.text()).toBe('graph.nodes must be an array');
    expect(danglingEdge.status).toBe(400);
    expect(await danglingEdge.text()).toBe('Edge "e-x" ends at no node: "Nowhere"');
    expect(afterwards.status).toBe(200);
  });

  it('refuses other methods and other content types', async () => {
    // Act
    const get = await fetch(layoutUrl);
    const text = await post(JSON.stringify(graphOf(sagaDefinition)), 'text/plain');

    // Assess
    expect(get.status).toBe(405);
    expect(text.status).toBe(415);
    expect(await text.text()).toBe('The body must be a graph as application/json');
  });

  it(`refuses a body over ${MAX_LAYOUT_BODY_BYTES} bytes, with or without a declared length`, async () => {
    // Prepare
    const oversized = JSON.stringify({ nodes: [], edges: [], padding: 'x'.repeat(MAX_LAYOUT_BODY_BYTES) });

    // Act
    const declared = await post(oversized);
    const chunked = await postChunked(layoutUrl, oversized);

    // Assess
    expect(declared.status).toBe(413);
    expect(await declared.text()).toBe(`A graph's body is at most ${MAX_LAYOUT_BODY_BYTES} bytes`);
    expect(chunked.status).toBe(413);
  });
});

describe('console layouts: the graph checked, each layout kept', () => {
  it(`refuses a graph nested deeper than ${MAX_NESTING} levels`, () => {
    // Prepare
    let node: Record<string, unknown> = { id: 'leaf', label: 'leaf', type: 'Pass', children: [], edges: [] };
    for (let depth = 0; depth <= MAX_NESTING; depth++) {
      node = { id: `scope-${depth}`, label: 'scope', type: 'Map', children: [node], edges: [] };
    }

    // Act
    const act = () => layoutGraphOf({ nodes: [node], edges: [] });

    // Assess
    expect(act).toThrow(/nests deeper than 64 levels/);
  });

  it('keeps only what the layout depends on: a comment or an edge kind does not make another layout', () => {
    // Prepare
    const graph = graphOf(sagaDefinition);
    const recommented = graphOf({
      ...sagaDefinition,
      States: { ...sagaDefinition.States, Succeeded: { Type: 'Succeed', Comment: 'All done' } },
    });

    // Act
    const checked = layoutGraphOf(JSON.parse(JSON.stringify(graph)));

    // Assess
    expect(JSON.stringify(checked)).toBe(JSON.stringify(layoutGraphOf(JSON.parse(JSON.stringify(recommented)))));
    expect(JSON.stringify(checked)).not.toContain('Compensation');
  });

  it('lays the definitions it is warmed up with out in advance, and serves them once its thread has stopped', async () => {
    // Prepare
    const layouts = new GraphLayouts();
    const other = { StartAt: 'Only', States: { Only: { Type: 'Succeed' } } };

    // Act
    await layouts.warmUp([JSON.stringify(sagaDefinition)]);
    await layouts.close();

    // Assess
    const kept = JSON.parse(await layouts.laidOutJson(layoutGraphOf(graphOf(sagaDefinition)))) as ElkNode;
    expect(kept.children?.map((node) => node.id)).toContain('ReserveInventory');
    await expect(layouts.laidOutJson(layoutGraphOf(graphOf(other)))).rejects.toBeInstanceOf(LayoutUnavailableError);
  });

  it('logs a definition it cannot lay out in advance, and warms up the others', async () => {
    // Prepare
    const lines: string[] = [];
    const layouts = new GraphLayouts((line) => lines.push(line));

    // Act
    await layouts.warmUp(['{ not json', JSON.stringify(sagaDefinition)]);
    await layouts.close();

    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^console: could not lay a state machine out in advance: /);
    await expect(layouts.laidOutJson(layoutGraphOf(graphOf(sagaDefinition)))).resolves.toContain('ProcessPayment');
  });
});

/** A POST with no Content-Length (chunked), which the endpoint can only measure as it reads. */
function postChunked(url: string, body: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', reject);
    for (let offset = 0; offset < body.length; offset += 64 * 1024) req.write(body.slice(offset, offset + 64 * 1024));
    req.end();
  });
}
