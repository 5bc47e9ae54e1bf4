/** Projects (PROJECTS_TABLE_NAME, keyed by `projectId`): `{ projectId, tenantId, name, createdBy, createdAt }`. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { ProjectRecord, Projects } from '../ports/projects.js';

export function dynamoProjects(): Projects {
  const tableName = () => requiredEnv(tableEnv('PROJECTS'));

  const find = async (projectId: string): Promise<ProjectRecord | undefined> => {
    const { Item } = await dynamoDocumentClient().send(
      // Consistent: a resource is often requested right after its project was created.
      new GetCommand({ TableName: tableName(), Key: { projectId }, ConsistentRead: true }),
    );
    return Item ? toProject(Item) : undefined;
  };

  return {
    find,
    async create(project) {
      try {
        await dynamoDocumentClient().send(
          new PutCommand({
            TableName: tableName(),
            Item: { ...project },
            ConditionExpression: 'attribute_not_exists(projectId)',
          }),
        );
        return { created: true, project };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const existing = await find(project.projectId);
        // Deleted between the refused put and the read: the id is free again, but a retry is the simplest truth.
        if (!existing) throw error;
        return { created: false, project: existing };
      }
    },
  };
}

function toProject(item: Record<string, unknown>): ProjectRecord {
  return {
    projectId: String(item.projectId),
    tenantId: String(item.tenantId),
    name: String(item.name),
    createdBy: String(item.createdBy ?? ''),
    createdAt: String(item.createdAt),
  };
}
