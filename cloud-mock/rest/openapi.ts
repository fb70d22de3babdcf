/**
 * The OpenAPI document cloud-mock serves and writes to docs/openapi.json: the shared one
 * (src/shared/rest/openapi.ts) plus LOCAL_API, each endpoint described exactly as the shared
 * builder does (openapi.test.ts checks that on every shared endpoint). Goes away when the
 * local endpoints move into src/shared/rest/api.ts.
 */
import { z } from 'zod';
import type { Endpoint } from '../../src/shared/rest/api';
import { buildOpenApi } from '../../src/shared/rest/openapi';
import { ValidationErrorSchema } from '../../src/shared/rest/schemas';
import { LOCAL_API } from './api';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

export const openApiPath = (path: string): string => path.replace(/:([A-Za-z]+)/g, '{$1}');

function parameters(endpoint: Endpoint): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ['path', endpoint.params],
    ['query', endpoint.query],
  ] as const) {
    if (!schema) continue;
    const json = jsonSchema(schema, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  return out;
}

/** One operation object, as src/shared/rest/openapi.ts writes it. */
export function describeEndpoint(name: string, endpoint: Endpoint): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(endpoint.responses)) {
    responses[status] = {
      description: response.description,
      content: { 'application/json': { schema: jsonSchema(response.schema, 'output') } },
    };
  }
  if (endpoint.params || endpoint.query || endpoint.body) {
    responses['400'] = {
      description: 'Invalid request: one problem per offending field',
      content: { 'application/json': { schema: jsonSchema(ValidationErrorSchema, 'output') } },
    };
  }
  const op: Record<string, unknown> = {
    operationId: name,
    summary: endpoint.summary,
    tags: [endpoint.tag],
    responses,
  };
  const params = parameters(endpoint);
  if (params.length > 0) op['parameters'] = params;
  if (endpoint.body) {
    op['requestBody'] = {
      required: true,
      content: { 'application/json': { schema: jsonSchema(endpoint.body, 'input') } },
    };
  }
  return op;
}

export function cloudOpenApi(): Record<string, unknown> {
  const doc = buildOpenApi() as { paths: Record<string, Record<string, unknown>> };
  for (const [name, endpoint] of Object.entries(LOCAL_API) as [string, Endpoint][]) {
    const path = openApiPath(endpoint.path);
    doc.paths[path] ??= {};
    doc.paths[path][endpoint.method.toLowerCase()] = describeEndpoint(name, endpoint);
  }
  return doc;
}
