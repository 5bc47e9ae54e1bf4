/** API Gateway REST (v1) for the local cloud: a CDK `RestApi` with Lambda proxy integrations and Lambda authorizers. */
export type {
  ApiResourceProperties,
  GatewayResponseProperties,
  LocalRestApiDeps,
  ResolvedApiGatewayResource,
  RestApiDefinition,
} from './definition.js';
export { InvalidRestApiDefinitionError, UnsupportedApiGatewayFeatureError } from './definition.js';
export { createLocalRestApi, type LocalRestApi } from './rest-api.js';
