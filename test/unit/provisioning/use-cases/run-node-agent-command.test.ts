import { describe, expect, it, vi } from 'vitest';
import { FAIL_FLAVOR, HANG_FLAVOR, provisionedNode } from '../../../../functions/provisioning/domain/node-agent.js';
import type { TaskCallbackReceipt, TaskCallbacks } from '../../../../functions/provisioning/ports/node-agent.js';
import { runNodeAgentCommand } from '../../../../functions/provisioning/use-cases/run-node-agent-command.js';
import type { WorkerCommand } from '../../../../shared/contracts/provisioning-worker.js';
import { logger } from '../../../../shared/powertools/index.js';
import { WORKER_DISPATCH } from '../harness.js';
import { inMemoryWorkerFleet } from './in-memory-worker-fleet.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const TIMING = { durationMs: 2500, heartbeatMs: 1000 };

const COMMAND: WorkerCommand = WORKER_DISPATCH;

/** Fake callbacks and timer that write one timeline, so the order of heartbeats, waits and answers is visible. */
function agentWorld(receipts: { heartbeat?: TaskCallbackReceipt[]; answer?: TaskCallbackReceipt } = {}) {
  const { fleet: slots, slots: fleetTable } = inMemoryWorkerFleet([
    { slot: 'slot-003', leaseId: 'lease-1', leasedUntilMs: 15_000 },
  ]);
  let nowMs = 0;
  const timeline: unknown[] = [];
  const heartbeats = [...(receipts.heartbeat ?? [])];
  const callbacks: TaskCallbacks = {
    heartbeat: async (token) => {
      timeline.push(['heartbeat', token]);
      return heartbeats.shift() ?? 'DELIVERED';
    },
    succeed: async (token, output) => {
      timeline.push(['succeed', token, output]);
      return receipts.answer ?? 'DELIVERED';
    },
    fail: async (token, failure) => {
      timeline.push(['fail', token, failure]);
      return receipts.answer ?? 'DELIVERED';
    },
  };
  const timer = {
    sleep: async (ms: number) => {
      timeline.push(['sleep', ms]);
      nowMs += ms;
    },
  };
  const fleet = { slots, leaseMs: 15_000, clock: () => new Date(nowMs) };
  return { timeline, fleetTable, ports: { callbacks, timer, timing: TIMING, fleet } };
}

describe('runNodeAgentCommand', () => {
  it('heartbeats while it works, then answers success with the node', async () => {
    // Prepare
    const { timeline, ports } = agentWorld();

    // Act
    const outcome = await runNodeAgentCommand(COMMAND, ports);

    // Assess
    expect(outcome).toBe('ANSWERED');
    expect(timeline).toEqual([
      ['heartbeat', 'token-1'],
      ['sleep', 1000],
      ['heartbeat', 'token-1'],
      ['sleep', 1000],
      ['heartbeat', 'token-1'],
      ['sleep', 500],
      ['succeed', 'token-1', provisionedNode('res_01')],
    ]);
  });

  it('does nothing at all for the hang flavor', async () => {
    // Prepare
    const { timeline, ports } = agentWorld();

    // Act
    const outcome = await runNodeAgentCommand({ ...COMMAND, flavor: HANG_FLAVOR }, ports);

    // Assess
    expect(outcome).toBe('SILENT');
    expect(timeline).toEqual([]);
  });

  it('reports ProvisioningFailedError after a short delay for the fail flavor', async () => {
    // Act
    const { timeline, ports } = agentWorld();
    const outcome = await runNodeAgentCommand({ ...COMMAND, flavor: FAIL_FLAVOR }, ports);

    // Assess
    expect(outcome).toBe('ANSWERED');
    expect(timeline).toEqual([
      ['heartbeat', 'token-1'],
      ['sleep', 500],
      ['fail', 'token-1', { error: 'ProvisioningFailedError', cause: expect.stringContaining(COMMAND.srn) }],
    ]);
  });

  it('answers a destroy with { destroyed: true }, whatever the flavor', async () => {
    // Prepare
    const { timeline, ports } = agentWorld();

    // Act
    const outcome = await runNodeAgentCommand({ ...COMMAND, command: 'destroy', flavor: HANG_FLAVOR }, ports);

    // Assess
    expect(outcome).toBe('ANSWERED');
    expect(timeline).toEqual([
      ['heartbeat', 'token-1'],
      ['sleep', 500],
      ['succeed', 'token-1', { destroyed: true }],
    ]);
  });

  it('abandons the work as soon as a heartbeat says the saga gave up, and logs it', async () => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn');
    const { timeline, ports } = agentWorld({ heartbeat: ['DELIVERED', 'TASK_GONE'] });

    // Act
    const outcome = await runNodeAgentCommand(COMMAND, ports);

    // Assess
    expect(outcome).toBe('TASK_GONE');
    expect(timeline).toEqual([
      ['heartbeat', 'token-1'],
      ['sleep', 1000],
      ['heartbeat', 'token-1'],
    ]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('no longer waits'),
      expect.objectContaining({ srn: COMMAND.srn, call: 'heartbeat' }),
    );
  });

  it.each([
    ['success', 'vm.small'],
    ['failure', FAIL_FLAVOR],
  ])('reports TASK_GONE when the %s answer comes too late', async (call, flavor) => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn');
    const { ports } = agentWorld({ answer: 'TASK_GONE' });

    // Act
    const outcome = await runNodeAgentCommand({ ...COMMAND, flavor }, ports);

    // Assess
    expect(outcome).toBe('TASK_GONE');
    expect(warn).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ call }));
  });

  it('lets any other callback failure propagate, so the message is retried', async () => {
    // Prepare
    const { ports } = agentWorld();
    ports.callbacks.succeed = async () => {
      throw new Error('Rate exceeded');
    };

    // Act & Assess
    await expect(runNodeAgentCommand(COMMAND, ports)).rejects.toThrow('Rate exceeded');
  });

  describe('with a worker slot', () => {
    const HOLDING = { ...COMMAND, workerSlot: { slot: 'slot-003', leaseId: 'lease-1' } };

    it('renews the slot with every heartbeat, one lease period past it, and frees it once answered', async () => {
      // Prepare
      const { fleetTable, ports } = agentWorld();
      const renewals: number[] = [];
      const renew = ports.fleet.slots.renew;
      ports.fleet.slots.renew = async (lease) => {
        renewals.push(lease.untilMs);
        return renew(lease);
      };

      // Act
      const outcome = await runNodeAgentCommand(HOLDING, ports);

      // Assess
      expect(outcome).toBe('ANSWERED');
      expect(renewals).toEqual([15_000, 16_000, 17_000]);
      expect(fleetTable.has('slot-003')).toBe(false);
    });

    it('frees the slot when the saga gave up on the task', async () => {
      // Prepare
      const { fleetTable, ports } = agentWorld({ heartbeat: ['TASK_GONE'] });

      // Act
      const outcome = await runNodeAgentCommand(HOLDING, ports);

      // Assess
      expect(outcome).toBe('TASK_GONE');
      expect(fleetTable.has('slot-003')).toBe(false);
    });

    it('keeps the slot when it hangs, as a real hung agent would, until the lease runs out', async () => {
      // Prepare
      const { fleetTable, ports } = agentWorld();

      // Act
      const outcome = await runNodeAgentCommand({ ...HOLDING, flavor: HANG_FLAVOR }, ports);

      // Assess
      expect(outcome).toBe('SILENT');
      expect(fleetTable.get('slot-003')).toEqual({ slot: 'slot-003', leaseId: 'lease-1', leasedUntilMs: 15_000 });
    });

    it('leaves alone a slot another command took after this lease expired', async () => {
      // Prepare
      const { fleetTable, ports } = agentWorld();
      fleetTable.set('slot-003', { slot: 'slot-003', leaseId: 'lease-2', leasedUntilMs: 99_000 });

      // Act
      const outcome = await runNodeAgentCommand(HOLDING, ports);

      // Assess
      expect(outcome).toBe('ANSWERED');
      expect(fleetTable.get('slot-003')?.leaseId).toBe('lease-2');
    });
  });
});
