/**
 * The elkjs input for the graph of a definition (static/graph-model.ts): node sizes and layout options (its layered
 * algorithm, top to bottom, compound nodes for Parallel branches and Map items; docs/adr/0041-saga-console.md). Pure:
 * the console's server lays it out with elkjs in a worker thread (graph-layouts.ts) and the page draws the result
 * (static/graph-layout.js).
 * elkjs JSON format: https://eclipse.dev/elk/documentation/tooldevelopers/graphdatastructure/jsonformat.html
 */

/**
 * What a layout depends on, of a graph of static/graph-model.ts (a `StateMachineGraph` is one): the server checks a body
 * against this and leaves the rest out.
 */
export interface LayoutGraph {
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
}

export interface LayoutNode {
  readonly id: string;
  readonly label: string;
  /** The ASL state type, or `Start`, `End`, `Branch`. */
  readonly type: string;
  readonly children: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
}

export interface LayoutEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
}

interface Point {
  readonly x: number;
  readonly y: number;
}

export interface ElkNode {
  readonly id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  children?: ElkNode[];
  edges?: ElkEdge[];
  layoutOptions?: Record<string, string>;
}

export interface ElkEdge {
  readonly id: string;
  readonly sources: string[];
  readonly targets: string[];
  sections?: Array<{ startPoint: Point; endPoint: Point; bendPoints?: Point[] }>;
}

const NODE_HEIGHT = 34;
const PSEUDO_HEIGHT = 26;
const PSEUDO_WIDTH = 64;
/** A state's box grows with its label (about 7.2 px a character in the stylesheet's font), with room for the ↩ mark. */
const MIN_STATE_WIDTH = 110;
const WIDTH_PER_CHARACTER = 7.2;
const STATE_PADDING = 34;
/** Room at the top of a compound node for its label. */
const COMPOUND_PADDING = '[top=30,left=14,bottom=14,right=14]';

function isPseudo(node: { readonly type: string }): boolean {
  return node.type === 'Start' || node.type === 'End';
}

/**
 * Every edge declared in the scope (compound node) it belongs to, so its coordinates come back relative to that
 * scope, and `INCLUDE_CHILDREN` so that one layered layout runs across scopes.
 */
export function elkGraphOf(graph: LayoutGraph): ElkNode {
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '28',
      'elk.spacing.nodeNode': '24',
      'elk.edgeRouting': 'ORTHOGONAL',
    },
    children: graph.nodes.map(elkNodeOf),
    edges: graph.edges.map(elkEdgeOf),
  };
}

function elkNodeOf(node: LayoutNode): ElkNode {
  if (node.children.length > 0) {
    return {
      id: node.id,
      layoutOptions: { 'elk.padding': COMPOUND_PADDING },
      children: node.children.map(elkNodeOf),
      edges: node.edges.map(elkEdgeOf),
    };
  }
  if (isPseudo(node)) return { id: node.id, width: PSEUDO_WIDTH, height: PSEUDO_HEIGHT };
  const width = Math.max(MIN_STATE_WIDTH, node.label.length * WIDTH_PER_CHARACTER + STATE_PADDING);
  return { id: node.id, width, height: NODE_HEIGHT };
}

function elkEdgeOf(edge: LayoutEdge): ElkEdge {
  return { id: edge.id, sources: [edge.source], targets: [edge.target] };
}
