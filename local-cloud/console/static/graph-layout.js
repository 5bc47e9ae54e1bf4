// @ts-check
/**
 * Draws the graph of graph-model.js as SVG, each state coloured by its result in the execution, at the positions the
 * console's server gives: it lays graphs out with elkjs (its layered algorithm, top to bottom, compound nodes for
 * Parallel branches and Map items) in the local cloud's process and keeps each layout (../graph-layouts.ts,
 * docs/adr/0041-saga-console.md), so a fresh tab neither fetches elkjs nor runs it cold. `svgOf` is pure.
 * elkjs JSON format: https://eclipse.dev/elk/documentation/tooldevelopers/graphdatastructure/jsonformat.html
 */

import { html } from './dom.js';

const PSEUDO = new Set(['Start', 'End']);

/**
 * @typedef {import('./graph-model.js').GraphNode} GraphNode
 * @typedef {import('./graph-model.js').GraphEdge} GraphEdge
 * @typedef {import('../elk-graph.js').ElkNode} ElkNode
 * @typedef {import('../elk-graph.js').ElkEdge} ElkEdge
 */

/** The console's server answered a layout request with an error. */
class LayoutRequestError extends Error {
  name = 'LayoutRequestError';
}

/**
 * The layout of a graph, asked of the server that served the console (`POST layout`, beside the page), also when
 * the console reads another endpoint's AWS APIs (`?endpoint=`): where to draw is presentation, not data.
 * @param {{ nodes: GraphNode[], edges: GraphEdge[] }} graph
 * @returns {Promise<ElkNode>}
 */
export async function layOut(graph) {
  const response = await fetch('layout', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(graph),
  });
  if (!response.ok) {
    throw new LayoutRequestError(`Could not lay the graph out (${response.status}): ${await response.text()}`);
  }
  return response.json();
}

/**
 * @typedef {object} StateLook What the execution says of one state, for its colours and badges.
 * @property {import('./history-model.js').StateResult} result
 * @property {number} attempts
 * @property {boolean} retried
 */

/**
 * The SVG of a laid-out graph. Each state is a `<g class="state ...">` with `data-state` (its name), `data-result`
 * (succeeded, caught, failed, running, aborted, or not-run), `data-attempts`, `data-compensation` and `data-on-path`,
 * which the stylesheet colours and the tests read; each edge says its kind and whether the execution took it. Edges
 * into a compensation are the undo path, drawn apart even when not taken.
 * @param {{ nodes: GraphNode[], edges: GraphEdge[] }} graph
 * @param {ElkNode} laidOut
 * @param {Map<string, StateLook>} looks by state name
 * @param {Set<string>} takenEdges edge ids
 */
export function svgOf(graph, laidOut, looks, takenEdges) {
  /** @type {Map<string, GraphNode>} */
  const nodesById = new Map();
  /** @type {Map<string, GraphEdge>} */
  const edgesById = new Map();
  const index = (/** @type {{ nodes?: GraphNode[], children?: GraphNode[], edges: GraphEdge[] }} */ scope) => {
    for (const node of scope.nodes ?? scope.children ?? []) {
      nodesById.set(node.id, node);
      index(node);
    }
    for (const edge of scope.edges) edgesById.set(edge.id, edge);
  };
  index(graph);
  const touched = new Set(
    [...takenEdges].flatMap((id) => {
      const edge = edgesById.get(id);
      return edge ? [edge.source, edge.target] : [];
    }),
  );

  /** @type {import('./dom.js').SafeHtml[]} */
  const compounds = [];
  /** @type {import('./dom.js').SafeHtml[]} */
  const states = [];
  /** @type {import('./dom.js').SafeHtml[]} */
  const edges = [];
  const draw = (/** @type {ElkNode} */ elkNode, /** @type {number} */ offsetX, /** @type {number} */ offsetY) => {
    for (const child of elkNode.children ?? []) {
      const node = nodesById.get(child.id);
      if (!node) continue;
      const x = offsetX + (child.x ?? 0);
      const y = offsetY + (child.y ?? 0);
      if (node.children.length > 0) {
        compounds.push(compoundSvg(node, x, y, child, looks.get(node.id)));
        draw(child, x, y);
      } else {
        states.push(stateSvg(node, x, y, child, looks.get(node.id), touched.has(node.id)));
      }
    }
    for (const elkEdge of elkNode.edges ?? []) {
      const edge = edgesById.get(elkEdge.id);
      if (edge) edges.push(edgeSvg(edge, elkEdge, offsetX, offsetY, takenEdges.has(edge.id), nodesById));
    }
  };
  draw(laidOut, 0, 0);
  const width = Math.ceil((laidOut.width ?? 0) + 8);
  const height = Math.ceil((laidOut.height ?? 0) + 8);
  return html`<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"
    viewBox="-4 -4 ${width} ${height}" role="img" aria-label="State machine graph">
    <defs>
      <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8"
        markerUnits="userSpaceOnUse" orient="auto-start-reverse">
        <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead"></path></marker>
    </defs>
    ${compounds}${edges}${states}</svg>`;
}

/**
 * @param {GraphNode} node
 * @param {number} x
 * @param {number} y
 * @param {ElkNode} box
 * @param {StateLook | undefined} look
 */
function compoundSvg(node, x, y, box, look) {
  return html`<g class="compound ${look ? `state--${look.result}` : 'state--not-run'}" data-compound="${node.id}">
    <rect x="${x}" y="${y}" width="${box.width ?? 0}" height="${box.height ?? 0}" rx="8"></rect>
    <text x="${x + 10}" y="${y + 19}">${node.label}${node.type === 'Branch' ? '' : ` (${node.type})`}</text></g>`;
}

/**
 * @param {GraphNode} node
 * @param {number} x
 * @param {number} y
 * @param {ElkNode} box
 * @param {StateLook | undefined} look
 * @param {boolean} onPath
 */
function stateSvg(node, x, y, box, look, onPath) {
  const width = box.width ?? 0;
  const height = box.height ?? 0;
  if (PSEUDO.has(node.type)) {
    return html`<g class="pseudo ${onPath ? 'pseudo--on-path' : ''}" data-pseudo="${node.type}">
      <rect x="${x}" y="${y}" width="${width}" height="${height}" rx="${height / 2}"></rect>
      <text x="${x + width / 2}" y="${y + height / 2 + 4}" text-anchor="middle">${node.label}</text></g>`;
  }
  const result = look?.result ?? 'not-run';
  const classes = [
    'state',
    `state--${result}`,
    node.compensation ? 'state--compensation' : '',
    look?.retried ? 'state--retried' : '',
  ].filter(Boolean);
  return html`<g class="${classes.join(' ')}" data-state="${node.id}" data-type="${node.type}"
      data-result="${result}" data-attempts="${look?.attempts ?? 0}" data-compensation="${String(node.compensation)}"
      data-on-path="${String(look !== undefined)}" tabindex="0" role="button">
    <title>${node.id}${node.comment ? `: ${node.comment}` : ''}</title>
    <rect x="${x}" y="${y}" width="${width}" height="${height}" rx="5"></rect>
    <text x="${x + 10}" y="${y + height / 2 + 4}">${node.compensation ? '↩ ' : ''}${node.label}</text>
    ${
      look?.retried &&
      html`<g class="badge"><rect x="${x + width - 30}" y="${y - 8}" width="34" height="16" rx="8"></rect>
      <text x="${x + width - 13}" y="${y + 4}" text-anchor="middle">×${look.attempts}</text></g>`
    }</g>`;
}

/**
 * @param {GraphEdge} edge
 * @param {ElkEdge} elkEdge
 * @param {number} offsetX
 * @param {number} offsetY
 * @param {boolean} taken
 * @param {Map<string, GraphNode>} nodesById
 */
function edgeSvg(edge, elkEdge, offsetX, offsetY, taken, nodesById) {
  const undo = nodesById.get(edge.target)?.compensation ?? false;
  const d = (elkEdge.sections ?? [])
    .map((section) => {
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
      return points.map((point, i) => `${i === 0 ? 'M' : 'L'} ${point.x + offsetX} ${point.y + offsetY}`).join(' ');
    })
    .join(' ');
  const classes = ['edge', `edge--${edge.kind}`, taken ? 'edge--taken' : '', undo ? 'edge--undo' : ''].filter(Boolean);
  return html`<path class="${classes.join(' ')}" d="${d}" marker-end="url(#arrow)" data-edge="${edge.id}"
    data-taken="${String(taken)}"><title>${edge.kind}${edge.label ? `: ${edge.label}` : ''}</title></path>`;
}
