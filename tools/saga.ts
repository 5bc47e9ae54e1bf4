/**
 * `npm run saga -- <checkoutId | executionArn> [--full]`: prints a saga execution's history the way the Step
 * Functions console shows it (states, attempts, errors, compensations, timings, final status). `--full` prints inputs,
 * outputs and stack traces whole.
 *
 * Finds the deployment like `npm run dlq` (the file `npm start` writes, or SAGASTACK_OUTPUTS_FILE for LocalStack and
 * AWS) and speaks only the Step Functions API, so it works the same against all three. A bare checkout id names the
 * checkout saga's execution of that checkout: executions are named after their checkout.
 */
import './closed-pipe.js';
import { parseArgs } from 'node:util';
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { loadDeployment } from './deployment.js';
import { runTool } from './run-tool.js';
import { compensationStatesOf, sagaReport } from './saga-report.js';

const USAGE = 'Usage: npm run saga -- <checkoutId | executionArn> [--full]';

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { full: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  const [id, ...rest] = positionals;
  if (values.help || id === undefined || rest.length > 0) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }

  const deployment = loadDeployment();
  const executionArn = id.startsWith('arn:') ? id : checkoutExecutionArn(deployment.outputs, id);
  const sfn = new SFNClient(deployment.clientConfig);
  try {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    // The definition the execution ran marks its compensations (state comments); see `compensationStatesOf`.
    const { definition } = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    const compensations = compensationStatesOf(JSON.parse(definition ?? '{}'));
    const history: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: true }),
      );
      history.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    for (const line of sagaReport(execution, history, {
      full: values.full,
      now: new Date(),
      isCompensation: (stateName) => compensations.has(stateName),
    }))
      console.log(line);
    return 0;
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) {
      console.error(`No execution ${executionArn}`);
      return 1;
    }
    throw error;
  }
}

/** `arn:aws:states:<region>:<account>:stateMachine:<name>` → `arn:aws:states:<region>:<account>:execution:<name>:<id>`. */
function checkoutExecutionArn(outputs: Readonly<Record<string, string>>, checkoutId: string): string {
  const stateMachineArn = outputs.CheckoutStateMachineArn;
  if (!stateMachineArn) throw new Error('The deployment has no CheckoutStateMachineArn output');
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${checkoutId}`;
}

await runTool(main);
