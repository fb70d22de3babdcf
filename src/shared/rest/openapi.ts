/** Builds the OpenAPI 3.1 document of the cloud's REST API from the endpoint table. */
import { z } from 'zod';
import { API, type Endpoint } from './api';
import { ForbiddenSchema, UnauthorizedSchema } from './apiKeys';
import { ValidationErrorSchema } from './schemas';

/** The one security scheme: an API key sent as a bearer token. */
export const SECURITY_SCHEME = 'apiKey';

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
    // A stream's 200 is a text/event-stream whose `data:` lines each hold one of the schema.
    const type = status === '200' && endpoint.stream ? 'text/event-stream' : 'application/json';
    responses[status] = {
      description: response.description,
      content: { [type]: { schema: jsonSchema(response.schema, 'output') } },
    };
  }
  if (endpoint.params || endpoint.query || endpoint.body) {
    responses['400'] = {
      description: 'Invalid request: one problem per offending field',
      content: { 'application/json': { schema: jsonSchema(ValidationErrorSchema, 'output') } },
    };
  }
  if (endpoint.access !== 'enrollment_token') {
    responses['401'] = {
      description: 'No API key, or one that is unknown or revoked (WWW-Authenticate: Bearer)',
      content: { 'application/json': { schema: jsonSchema(UnauthorizedSchema, 'output') } },
    };
    responses['403'] = {
      description: `The key's role may not call this (roles: ${endpoint.access.join(', ')})`,
      content: { 'application/json': { schema: jsonSchema(ForbiddenSchema, 'output') } },
    };
  }
  const op: Record<string, unknown> = {
    operationId: name,
    summary: endpoint.summary,
    tags: [endpoint.tag],
    // OpenAPI 3.1 lets a non-OAuth requirement list role names: one alternative per role.
    security:
      endpoint.access === 'enrollment_token'
        ? []
        : endpoint.access.map((role) => ({ [SECURITY_SCHEME]: [role] })),
    'x-roles': endpoint.access === 'enrollment_token' ? [] : [...endpoint.access],
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
        "reconciliation, operator alerts, merchants' webhooks and live status streams " +
        '(Server-Sent Events). Generated from src/shared/rest; do not edit by hand.\n\n' +
        'Every route needs an API key (`Authorization: Bearer plk_…`, made with ' +
        '`npm run cloud -- keys create --role …`) of one of the roles it lists; enrolment needs ' +
        'none (the one-time token in its body authenticates it). Roles: merchant (allocations, ' +
        'returns, search), operator (everything), dashboard (read-only, never the inbox).',
    },
    // Every operation states its own security; this default covers nothing left unsaid.
    security: [{ [SECURITY_SCHEME]: ['operator'] }],
    components: {
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'plk_<id>_<secret>',
          description: 'An API key with a role: merchant, operator or dashboard.',
        },
      },
    },
    paths,
  };
}
