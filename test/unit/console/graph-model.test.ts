import { describe, expect, it } from 'vitest';
import { COMPENSATION_COMMENT as SAGA_COMPENSATION_COMMENT } from '../../../lib/constructs/compensation-comment.js';
import {
  allNodes,
  COMPENSATION_COMMENT,
  compensationStatesOf,
  graphOf,
} from '../../../local-cloud/console/static/graph-model.js';
import { compensationStatesOf as reportCompensations } from '../../../tools/saga-report.js';
import { sagaDefinition } from './fixtures.js';

describe('console graph model: an ASL definition as nodes and edges', () => {
  it('has a node a state plus Start and End, and an edge a transition of every kind', () => {
    // Act
    const graph = graphOf(JSON.stringify(sagaDefinition));

    // Assess
    expect(graph.nodes.map((node) => node.id)).toEqual([
      'root:start',
      'root:end',
      'ReserveInventory',
      'ProcessPayment',
      'RefundPayment',
      'ReleaseInventory',
      'Succeeded',
      'Failed',
    ]);
    const edges = graph.edges.map(({ source, target, kind }) => `${source} -${kind}-> ${target}`);
    expect(edges).toEqual([
      'root:start -next-> ReserveInventory',
      'ReserveInventory -next-> ProcessPayment',
      'ReserveInventory -catch-> ReleaseInventory',
      'ProcessPayment -next-> Succeeded',
      'ProcessPayment -catch-> RefundPayment',
      'RefundPayment -next-> ReleaseInventory',
      'ReleaseInventory -next-> Failed',
      'Succeeded -next-> root:end',
      'Failed -next-> root:end',
    ]);
    expect(graph.edges.find((edge) => edge.kind === 'catch')?.label).toBe('States.ALL');
  });

  it('marks as compensations the states the Saga construct comments so, as `npm run saga` does', () => {
    // Act
    const graph = graphOf(sagaDefinition);

    // Assess
    const marked = allNodes(graph)
      .filter((node) => node.compensation)
      .map((node) => node.id);
    expect(marked).toEqual(['RefundPayment', 'ReleaseInventory']);
    expect(compensationStatesOf(sagaDefinition)).toEqual(reportCompensations(sagaDefinition));
    expect(COMPENSATION_COMMENT).toBe(SAGA_COMPENSATION_COMMENT);
  });

  it('nests Parallel branches and Map items as compound nodes with their own Start, End and edges', () => {
    // Prepare
    const definition = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Next: 'Each',
          Branches: [
            { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
            {
              StartAt: 'Right',
              States: {
                Right: { Type: 'Pass', Next: 'UndoRight' },
                UndoRight: { Type: 'Pass', Comment: 'Compensation: x', End: true },
              },
            },
          ],
        },
        Each: {
          Type: 'Map',
          End: true,
          ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Task', End: true } } },
        },
      },
    };

    // Act
    const graph = graphOf(definition);

    // Assess
    const parallel = graph.nodes.find((node) => node.id === 'Both');
    expect(parallel?.children.map((branch) => [branch.id, branch.type, branch.label])).toEqual([
      ['Both#0', 'Branch', 'Branch 1'],
      ['Both#1', 'Branch', 'Branch 2'],
    ]);
    expect(parallel?.children[1]?.edges.map((edge) => `${edge.source}->${edge.target}`)).toEqual([
      'Both#1:start->Right',
      'Right->UndoRight',
      'UndoRight->Both#1:end',
    ]);
    const map = graph.nodes.find((node) => node.id === 'Each');
    expect(map?.children.map((node) => node.id)).toEqual(['Each#items:start', 'Each#items:end', 'Item']);
    expect(compensationStatesOf(definition)).toEqual(new Set(['UndoRight']));
    const ids = allNodes(graph).map((node) => node.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
