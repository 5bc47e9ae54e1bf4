import type { LocalStepFunctions } from '../../stepfunctions/index.js';
import type { Provisioner } from '../stack-deployer.js';

export function stepFunctionsProvisioners(stepFunctions: LocalStepFunctions): Readonly<Record<string, Provisioner>> {
  return {
    'AWS::StepFunctions::StateMachine': {
      supported: [
        'DefinitionString',
        'Definition',
        'StateMachineType',
        'StateMachineName',
        'RoleArn',
        'LoggingConfiguration',
        'TracingConfiguration',
      ],
      withoutEffect: ['Tags', 'EncryptionConfiguration'],
      provision: async (resource) => {
        const props = resource.properties as {
          DefinitionString?: string;
          Definition?: Record<string, unknown>;
          StateMachineType?: 'STANDARD' | 'EXPRESS';
          StateMachineName?: string;
          RoleArn?: string;
          LoggingConfiguration?: Record<string, unknown>;
          TracingConfiguration?: { Enabled?: boolean };
        };
        const definition = props.Definition ?? (JSON.parse(props.DefinitionString ?? '{}') as Record<string, unknown>);
        const name = props.StateMachineName ?? resource.generatedName(80);
        const arn = `arn:aws:states:${resource.stack.region}:${resource.stack.accountId}:stateMachine:${name}`;
        stepFunctions.addStateMachine({
          name,
          arn,
          definition,
          type: props.StateMachineType ?? 'STANDARD',
          roleArn: props.RoleArn,
          loggingConfiguration: props.LoggingConfiguration,
          tracingEnabled: props.TracingConfiguration?.Enabled ?? false,
        });
        return { ref: arn, attributes: { Arn: arn, Name: name } };
      },
    },
  };
}
