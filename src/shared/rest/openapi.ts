/** Builds the OpenAPI 3.1 document of the cloud's REST API from the endpoint table. */
import { z } from 'zod';
import { API, type Endpoint } from './api';
import { ValidationErrorSchema } from './schemas';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

/** `/api/v1/lockers/:id` → `/api/v1/lockers/{id}` */
const openApiPath = (path: string): string => path.replace(/:([A-Za-z]+)/g, '{$1}');

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

function operation(name: string, endpoint: Endpoint): Record<string, unknown> {
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

export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, endpoint] of Object.entries(API) as [string, Endpoint][]) {
    const path = openApiPath(endpoint.path);
    paths[path] ??= {};
    paths[path][endpoint.method.toLowerCase()] = operation(name, endpoint);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parcel locker cloud (cloud-mock)',
      version: '1.0.0',
      description:
        'REST API of the development cloud: provisioning and enrolment, locker search, ' +
        'allocations, returns, remote open, badges, the notification inbox, audit, ' +
        'reconciliation and operator alerts. Generated from src/shared/rest; do not edit by hand.',
    },
    paths,
  };
}
