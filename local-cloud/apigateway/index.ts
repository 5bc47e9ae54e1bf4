/** API Gateway REST (v1) for the local cloud: a CDK `RestApi` with Lambda proxy integrations and Lambda authorizers. */

/** @public The shapes of the definition the caller builds and passes in. */
export type {
  ApiResourceProperties,
  GatewayResponseProperties,
  LocalRestApiDeps,
  ResolvedApiGatewayResource,
  RestApiDefinition,
} from './definition.js';
export { InvalidRestApiDefinitionError, UnsupportedApiGatewayFeatureError } from './definition.js';
/** @public `LocalRestApi` is what `createLocalRestApi` returns. */
export { createLocalRestApi, type LocalRestApi } from './rest-api.js';
