/**
 * API Gateway REST APIs. Their resources are collected while the stack deploys (a method needs its resource, the
 * resource its API) and handed to the API Gateway module as one definition when the deployment is complete.
 * The module checks every property itself and refuses what it does not emulate.
 */
import { randomBytes } from 'node:crypto';
import type { RestApiDefinition } from '../../apigateway/index.js';
import type { Provisioner, ResourceToProvision } from '../stack-deployer.js';

export interface ApiGatewayRegistry {
  readonly apis: Map<
    string,
    Partial<RestApiDefinition> & Pick<RestApiDefinition, 'resources' | 'methods' | 'authorizers' | 'gatewayResponses'>
  >;
}

const newId = () => randomBytes(5).toString('hex');

export function apiGatewayProvisioners(registry: ApiGatewayRegistry): Readonly<Record<string, Provisioner>> {
  const apiOf = (resource: ResourceToProvision) => {
    const restApiId = String(resource.properties.RestApiId);
    const api = registry.apis.get(restApiId);
    if (!api) throw new Error(`RestApiId ${restApiId} is not a REST API of this deployment`);
    return api;
  };
  return {
    'AWS::ApiGateway::RestApi': {
      supported: 'checked-by-service',
      provision: async (resource) => {
        const id = newId();
        const rootResourceId = newId();
        registry.apis.set(id, {
          restApi: { logicalId: resource.logicalId, id, properties: resource.properties },
          rootResourceId,
          resources: [],
          methods: [],
          authorizers: [],
          gatewayResponses: [],
        });
        return { ref: id, attributes: { RootResourceId: rootResourceId, RestApiId: id } };
      },
    },
    'AWS::ApiGateway::Resource': {
      supported: 'checked-by-service',
      provision: async (resource) => {
        const id = newId();
        apiOf(resource).resources.push({
          logicalId: resource.logicalId,
          id,
          properties: resource.properties as unknown as RestApiDefinition['resources'][number]['properties'],
        });
        return { ref: id, attributes: { ResourceId: id } };
      },
    },
    'AWS::ApiGateway::Method': {
      supported: 'checked-by-service',
      provision: async (resource) => {
        apiOf(resource).methods.push({ logicalId: resource.logicalId, properties: resource.properties });
        return { ref: resource.generatedName() };
      },
    },
    'AWS::ApiGateway::Authorizer': {
      supported: 'checked-by-service',
      provision: async (resource) => {
        const id = newId();
        apiOf(resource).authorizers.push({ logicalId: resource.logicalId, id, properties: resource.properties });
        return { ref: id, attributes: { AuthorizerId: id } };
      },
    },
    'AWS::ApiGateway::GatewayResponse': {
      supported: 'checked-by-service',
      provision: async (resource) => {
        apiOf(resource).gatewayResponses.push({
          logicalId: resource.logicalId,
          properties: resource.properties as unknown as RestApiDefinition['gatewayResponses'][number]['properties'],
        });
        return { ref: resource.generatedName() };
      },
    },
    // A deployment snapshots the API; locally the API is always served as defined, so it only needs an id.
    'AWS::ApiGateway::Deployment': {
      supported: ['RestApiId', 'Description'],
      provision: async () => ({ ref: newId() }),
    },
    'AWS::ApiGateway::Stage': {
      supported: 'checked-by-service',
      provision: async (resource) => {
        const { StageName, DeploymentId: _deploymentId, RestApiId: _restApiId, ...properties } = resource.properties;
        const api = apiOf(resource);
        if (api.stage) throw new Error('a second stage of the same REST API is not supported');
        api.stage = { stageName: String(StageName), properties };
        return { ref: String(StageName) };
      },
    },
  };
}
