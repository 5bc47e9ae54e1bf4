/**
 * Lays the console's graphs out in the local cloud's process (docs/adr/0041-saga-console.md, decision 3): elkjs in a
 * worker thread (elk-worker.cjs), each graph's layout kept, and the state machines of the template laid out at boot
 * in the background. A fresh browser then gets the checkout saga's layout in one small request instead of fetching
 * elkjs's 1.6 MB bundle and running it cold (about 300 ms of elkjs, 600 ms for the page).
 *
 * This is presentation, not data: the body is the graph the page already built from `DescribeStateMachineForExecution`
 * (static/graph-model.ts), and the answer is where to draw it. Every datum the console shows still comes from the
 * AWS APIs, so it can still be pointed at another endpoint (`?endpoint=`): the layout is asked of the server that
 * served the page.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { type ElkNode, elkGraphOf, type LayoutEdge, type LayoutGraph, type LayoutNode } from './elk-graph.js';
import { graphOf } from './static/graph-model.js';

const ELK_BUNDLE = createRequire(import.meta.url).resolve('elkjs/lib/elk.bundled.js');
const WORKER_FILE = new URL('./elk-worker.cjs', import.meta.url);

/**
 * A body above this is refused before it is parsed. A state machine's definition is at most 1 MB, a hard quota
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html, "Maximum size of state machine
 * definition"), and its graph carries less than the definition (names, types, comments, transitions).
 */
export const MAX_LAYOUT_BODY_BYTES = 1024 * 1024;
/**
 * Parallel branches and Map item processors nest; ASL sets no documented limit to how deep, so this is ours: far
 * beyond any saga, and it keeps the reading of a hostile body from recursing without end.
 */
export const MAX_NESTING = 64;
/** Layouts kept, the least recently asked for going first: a layout is a few kilobytes of JSON. */
const MAX_CACHED_LAYOUTS = 200;

/** The body is not a graph of graph-model.ts: the answer is a 400 with this message. */
export class InvalidLayoutRequestError extends Error {
  override readonly name = 'InvalidLayoutRequestError';
}

/** elkjs refused the graph (an edge to a node of another branch it cannot route, say): a 422. */
export class LayoutFailedError extends Error {
  override readonly name = 'LayoutFailedError';
}

/** The layout thread stopped (the local cloud is stopping, or the thread crashed): a 503. */
export class LayoutUnavailableError extends Error {
  override readonly name = 'LayoutUnavailableError';
}

interface WorkerAnswer {
  readonly id: number;
  readonly laidOut?: ElkNode;
  readonly error?: string;
}

export class GraphLayouts {
  /** The JSON text of each layout, by the digest of its graph: a hit costs no serialisation. */
  private readonly cache = new Map<string, Promise<string>>();
  private readonly pending = new Map<number, { resolve(laidOut: ElkNode): void; reject(error: Error): void }>();
  private worker: Worker | undefined;
  private nextRequest = 0;
  private closed = false;

  constructor(private readonly log: (line: string) => void = () => {}) {}

  /** The layout of `graph` (already checked by `layoutGraphOf`) as elkjs's JSON: from the cache, or laid out now. */
  laidOutJson(graph: LayoutGraph): Promise<string> {
    const key = createHash('sha256').update(JSON.stringify(graph)).digest('hex');
    const cached = this.cache.get(key);
    if (cached) {
      // Map order is insertion order: asking again moves the layout to the end, away from eviction.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const laidOut = this.layOut(elkGraphOf(graph)).then((node) => JSON.stringify(node));
    this.cache.set(key, laidOut);
    laidOut.catch(() => this.cache.delete(key));
    while (this.cache.size > MAX_CACHED_LAYOUTS) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return laidOut;
  }

  /**
   * Lays out the graphs of these definitions, one after the other, so that the layout thread is loaded and JIT-warm
   * and their layouts are cached before anyone asks. Never rejects: a definition that cannot be laid out is logged.
   */
  async warmUp(definitions: readonly string[]): Promise<void> {
    for (const definition of definitions) {
      if (this.closed) return;
      try {
        await this.laidOutJson(layoutGraphOf(graphOf(definition)));
      } catch (error) {
        if (!this.closed) this.log(`console: could not lay a state machine out in advance: ${messageOf(error)}`);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failPending(new LayoutUnavailableError('The local cloud is stopping'));
    await worker?.terminate();
  }

  private layOut(graph: ElkNode): Promise<ElkNode> {
    if (this.closed) return Promise.reject(new LayoutUnavailableError('The local cloud is stopping'));
    const worker = this.startedWorker();
    const id = this.nextRequest++;
    return new Promise<ElkNode>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, graph });
    });
  }

  private startedWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_FILE, { workerData: { elkBundle: ELK_BUNDLE } });
    // The thread waits for work and never keeps the process alive on its own.
    worker.unref();
    worker.on('message', (answer: WorkerAnswer) => {
      const request = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (answer.laidOut) request?.resolve(answer.laidOut);
      else request?.reject(new LayoutFailedError(`elkjs could not lay this graph out: ${answer.error}`));
    });
    worker.on('error', (error) => {
      this.log(`console: the layout thread failed: ${error.message}`);
      this.failPending(new LayoutUnavailableError(`The layout thread failed: ${error.message}`));
    });
    worker.on('exit', () => {
      // A thread that died is replaced at the next request.
      if (this.worker === worker) this.worker = undefined;
      this.failPending(new LayoutUnavailableError('The layout thread stopped'));
    });
    this.worker = worker;
    return worker;
  }

  private failPending(error: Error): void {
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
  }
}

/**
 * The part of a graph of graph-model.ts that its layout depends on (ids, labels, types, nesting, transitions),
 * checked: what elkjs would choke on, or a hostile body, is an `InvalidLayoutRequestError` naming the first fault.
 * Everything else (comments, compensation marks, edge kinds) is dropped, so it does not split the cache.
 */
export function layoutGraphOf(body: unknown): LayoutGraph {
  if (!isObject(body)) throw new InvalidLayoutRequestError('The body must be a JSON object with nodes and edges');
  const nodeIds = new Set<string>();
  const edgeIds = new Set<string>();
  const edges: LayoutEdge[] = [];
  const nodesOf = (scope: Record<string, unknown>, key: 'nodes' | 'children', where: string, depth: number) => {
    if (depth > MAX_NESTING) throw new InvalidLayoutRequestError(`${where} nests deeper than ${MAX_NESTING} levels`);
    const list = scope[key];
    if (!Array.isArray(list)) throw new InvalidLayoutRequestError(`${where}.${key} must be an array`);
    return list.map((node: unknown, index): LayoutNode => {
      const at = `${where}.${key}[${index}]`;
      if (!isObject(node)) throw new InvalidLayoutRequestError(`${at} is not an object`);
      const id = stringAt(node, 'id', at);
      if (nodeIds.has(id)) throw new InvalidLayoutRequestError(`${at}: node id ${JSON.stringify(id)} is used twice`);
      nodeIds.add(id);
      return {
        id,
        label: stringAt(node, 'label', at, { empty: true }),
        type: stringAt(node, 'type', at),
        children: nodesOf(node, 'children', at, depth + 1),
        edges: edgesOf(node, at),
      };
    });
  };
  const edgesOf = (scope: Record<string, unknown>, where: string): LayoutEdge[] => {
    if (!Array.isArray(scope.edges)) throw new InvalidLayoutRequestError(`${where}.edges must be an array`);
    return scope.edges.map((edge: unknown, index): LayoutEdge => {
      const at = `${where}.edges[${index}]`;
      if (!isObject(edge)) throw new InvalidLayoutRequestError(`${at} is not an object`);
      const id = stringAt(edge, 'id', at);
      if (edgeIds.has(id)) throw new InvalidLayoutRequestError(`${at}: edge id ${JSON.stringify(id)} is used twice`);
      edgeIds.add(id);
      const checked = { id, source: stringAt(edge, 'source', at), target: stringAt(edge, 'target', at) };
      edges.push(checked);
      return checked;
    });
  };
  const graph = { nodes: nodesOf(body, 'nodes', 'graph', 0), edges: edgesOf(body, 'graph') };
  // Checked once every node is known: an edge may point at a node declared after it, or in another scope.
  for (const edge of edges) {
    for (const end of [edge.source, edge.target]) {
      if (!nodeIds.has(end)) {
        throw new InvalidLayoutRequestError(`Edge ${JSON.stringify(edge.id)} ends at no node: ${JSON.stringify(end)}`);
      }
    }
  }
  return graph;
}

function stringAt(object: Record<string, unknown>, key: string, where: string, { empty = false } = {}): string {
  const value = object[key];
  if (typeof value !== 'string' || (value === '' && !empty)) {
    throw new InvalidLayoutRequestError(`${where}.${key} must be a${empty ? '' : ' non-empty'} string`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
