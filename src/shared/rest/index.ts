/** The cloud's REST contract: request/response schemas, the endpoint table, the OpenAPI builder. */
export * from './schemas';
export * from './apiKeys';
export { API, type Endpoint, type EndpointName } from './api';
export { buildOpenApi } from './openapi';
