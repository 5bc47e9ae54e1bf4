/**
 * Whoever answers the provisioning saga's worker task: a token Step Functions never issued, one already used, one
 * too long, or a malformed answer gets a clear refusal; and an answer Step Functions takes but that does not match
 * the worker's contract fails the saga before any step writes: the resource is never marked ACTIVE.
 */
import { randomUUID } from 'node:crypto';
import { GetExecutionHistoryCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import {
  capacityRow,
  createProject,
  deprovisionLeftovers,
  executionsNamed,
  metersOf,
  requestResource,
  resourceItem,
  settledResource,
  tenantTeam,
  tenantUsage,
} from './support/provisioning.js';
import { aws, eventually } from './support/target.js';

/** The task token DispatchToWorker handed to the dispatcher, read from the execution's history. */
async function dispatchToken(resourceId: string): Promise<string> {
  return eventually(
    async () => {
      const [execution] = await executionsNamed('ProvisionStateMachineArn', resourceId);
      if (!execution?.executionArn) return '';
      const { events = [] } = await aws.sfn.send(
        new GetExecutionHistoryCommand({ executionArn: execution.executionArn, maxResults: 1000 }),
      );
      const scheduled = events.find((event) => event.taskScheduledEventDetails?.parameters?.includes('taskToken'));
      const parameters = JSON.parse(scheduled?.taskScheduledEventDetails?.parameters ?? '{}');
      return String(parameters.Payload?.taskToken ?? '');
    },
    (token) => token.length > 0,
    { what: `the task token of ${resourceId}'s worker task`, intervalMs: 100 },
  );
}

const refusalOf = (attempt: Promise<unknown>) =>
  attempt.then(
    () => 'accepted',
    (error: Error) => error.name,
  );

describe('provisioning: hostile answers to the worker task', () => {
  afterAll(deprovisionLeftovers);

  it('refuses made-up, oversized and malformed answers; a used token is refused; a wrong answer marks nothing', async () => {
    // Prepare: a worker that never answers (vm.test-hang), so that the test answers in its place.
    const { tenant, admin, member } = tenantTeam();
    const projectId = await createProject(admin);
    const usageBefore = await tenantUsage(tenant);
    const capacityBefore = await capacityRow('eu-west-1', 'vm.test-hang');
    const accepted = await requestResource(member, projectId, { flavor: 'vm.test-hang', region: 'eu-west-1' });
    const resourceId = accepted.body.resourceId as string;
    const taskToken = await dispatchToken(resourceId);
    // Well-formed JSON Step Functions takes, but not the worker contract's: a path for a node id, no IPv4 address.
    const wrongAnswer = JSON.stringify({ nodeId: '../../nodes/another-tenant', ipAddress: 'not-an-address' });

    // Act
    const refusals = {
      madeUp: await refusalOf(
        aws.sfn.send(new SendTaskSuccessCommand({ taskToken: `AQ${randomUUID()}`, output: wrongAnswer })),
      ),
      oversized: await refusalOf(
        aws.sfn.send(new SendTaskSuccessCommand({ taskToken: 'A'.repeat(2049), output: wrongAnswer })),
      ),
      notJson: await refusalOf(aws.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{"nodeId":' }))),
    };
    const answered = await refusalOf(aws.sfn.send(new SendTaskSuccessCommand({ taskToken, output: wrongAnswer })));
    const usedAgain = {
      success: await refusalOf(aws.sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))),
      heartbeat: await refusalOf(aws.sfn.send(new SendTaskHeartbeatCommand({ taskToken }))),
    };
    const resource = await settledResource(member, resourceId, 60_000);
    const item = await resourceItem(resourceId);

    // Assess
    expect(accepted.status).toBe(202);
    expect(refusals).toEqual({ madeUp: 'InvalidToken', oversized: 'ValidationException', notJson: 'InvalidOutput' });
    expect(answered).toBe('accepted');
    expect(usedAgain).toEqual({ success: 'TaskTimedOut', heartbeat: 'TaskTimedOut' });
    expect(resource.status).toBe('FAILED');
    const steps = resource.steps.map(({ name, status }) => ({ name, status }));
    expect(steps).toContainEqual({ name: 'AttachStorage', status: 'FAILED' });
    expect(steps.map(({ name }) => name)).not.toContain('ConfigureNetwork');
    expect(steps.map(({ name }) => name)).not.toContain('MarkActive');
    expect(resource.nodeId).toBeUndefined();
    expect(resource.ipAddress).toBeUndefined();
    expect(JSON.stringify(item)).not.toContain('another-tenant');
    expect(item?.storage).toBeUndefined();
    expect(await tenantUsage(tenant)).toEqual(usageBefore);
    expect(await capacityRow('eu-west-1', 'vm.test-hang')).toEqual(capacityBefore);
    expect(await metersOf(resourceId)).toEqual([]);
  });
});
