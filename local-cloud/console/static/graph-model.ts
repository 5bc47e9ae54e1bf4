/**
 * A state machine's graph as the Step Functions console draws it, read from its ASL definition: one node a state, a
 * Start and an End node, Parallel branches and Map item processors as compound nodes holding their own states, and
 * one edge a transition (Next, Default, a Choice rule, a Catch). Pure (no DOM, no layout): unit-tested in Node
 * (test/unit/console/graph-model.test.ts), served to the browser compiled by esbuild (../server.ts), laid out there
 * by elkjs (graph-layout.js).
 * ASL reference: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
 */

/**
 * The start of the `Comment` the `Saga` construct writes on every compensation and every state that parks a failure
 * for an operator (lib/constructs/compensation-comment.ts). Repeated, not imported: this module is served to the
 * browser on its own; a unit test holds the two equal.
 */
export const COMPENSATION_COMMENT = 'Compensation';

export interface GraphNode {
  /**
   * Unique in the whole graph: the state's name (ASL state names are unique in a state machine), `<Parallel>#<index>`
   * for a branch, `<scope>:start` and `<scope>:end` for the pseudo-states of a scope.
   */
  readonly id: string;
  readonly label: string;
  /** The ASL state type, or `Start`, `End`, `Branch` for what is not a state. */
  readonly type: string;
  /** The state's Comment marks it as a compensation. */
  readonly compensation: boolean;
  readonly comment: string | undefined;
  /** The states of a Map's item processor, or a Parallel's branches (each a `Branch` node holding its states). */
  readonly children: GraphNode[];
  /** The transitions between `children`. */
  readonly edges: GraphEdge[];
}

export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly kind: 'next' | 'choice' | 'default' | 'catch';
  /** The errors a Catch takes, for its tooltip. */
  readonly label: string | undefined;
}

export interface StateMachineGraph {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
}

interface AslMachine {
  readonly StartAt?: string;
  readonly States?: Record<string, AslState>;
}

interface AslState {
  readonly Type?: string;
  readonly Comment?: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: ReadonlyArray<{ readonly Next?: string }>;
  readonly Catch?: ReadonlyArray<{ readonly Next?: string; readonly ErrorEquals?: readonly string[] }>;
  readonly Branches?: readonly AslMachine[];
  readonly ItemProcessor?: AslMachine;
  /** The older name of ItemProcessor. */
  readonly Iterator?: AslMachine;
}

/** The scope of the top-level states. */
export const ROOT_SCOPE = 'root';

/** The graph of an ASL definition, given as an object or as its JSON text. */
export function graphOf(definition: unknown): StateMachineGraph {
  const machine = typeof definition === 'string' ? (JSON.parse(definition) as unknown) : definition;
  return scopeGraph(ROOT_SCOPE, (machine ?? {}) as AslMachine);
}

function scopeGraph(scope: string, machine: AslMachine): StateMachineGraph {
  const start = `${scope}:start`;
  const end = `${scope}:end`;
  const nodes: GraphNode[] = [pseudoNode(start, 'Start'), pseudoNode(end, 'End')];
  const edges: GraphEdge[] = [];
  const edge = (source: string, target: string, kind: GraphEdge['kind'], label?: string) =>
    edges.push({ id: `${source}->${target}:${kind}:${edges.length}`, source, target, kind, label });

  if (machine.StartAt) edge(start, machine.StartAt, 'next');
  for (const [name, state] of Object.entries(machine.States ?? {})) {
    nodes.push(stateNode(name, state));
    if (state.Next) edge(name, state.Next, 'next');
    if (state.End || state.Type === 'Succeed' || state.Type === 'Fail') edge(name, end, 'next');
    for (const choice of state.Choices ?? []) if (choice.Next) edge(name, choice.Next, 'choice');
    if (state.Default) edge(name, state.Default, 'default');
    for (const rule of state.Catch ?? []) {
      if (rule.Next) edge(name, rule.Next, 'catch', (rule.ErrorEquals ?? []).join(', '));
    }
  }
  return { nodes, edges };
}

function stateNode(name: string, state: AslState): GraphNode {
  const comment = typeof state.Comment === 'string' ? state.Comment : undefined;
  const base = {
    id: name,
    label: name,
    type: state.Type ?? 'Task',
    compensation: comment?.startsWith(COMPENSATION_COMMENT) ?? false,
    comment,
  };
  if (state.Type === 'Parallel') {
    const branches = (state.Branches ?? []).map((branch, index): GraphNode => {
      const id = `${name}#${index}`;
      const inner = scopeGraph(id, branch);
      return { ...pseudoNode(id, 'Branch'), label: `Branch ${index + 1}`, children: inner.nodes, edges: inner.edges };
    });
    return { ...base, children: branches, edges: [] };
  }
  const processor = state.ItemProcessor ?? state.Iterator;
  if (state.Type === 'Map' && processor) {
    const inner = scopeGraph(mapScope(name), processor);
    return { ...base, children: inner.nodes, edges: inner.edges };
  }
  return { ...base, children: [], edges: [] };
}

/** The scope of a Map's item processor. */
export function mapScope(mapStateName: string): string {
  return `${mapStateName}#items`;
}

function pseudoNode(id: string, type: string): GraphNode {
  return { id, label: type, type, compensation: false, comment: undefined, children: [], edges: [] };
}

/** Every node of the graph (or under a node), nested ones too, depth first. */
export function allNodes(graph: StateMachineGraph | GraphNode): GraphNode[] {
  const top = 'nodes' in graph ? graph.nodes : graph.children;
  return top.flatMap((node) => [node, ...allNodes(node)]);
}

/** Names of the states whose Comment marks them as compensations, nested ones too (as tools/saga-report.ts reads them). */
export function compensationStatesOf(definition: unknown): Set<string> {
  return new Set(
    allNodes(graphOf(definition))
      .filter((node) => node.compensation)
      .map((node) => node.id),
  );
}
