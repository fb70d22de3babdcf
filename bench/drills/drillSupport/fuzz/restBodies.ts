/**
 * REST bodies under fuzz, drawn from the OpenAPI document the cloud publishes: for every
 * operation that takes a body, bodies that fit its schema, the same damaged, any JSON at all,
 * and bytes that are not JSON, sent by callers of every role to the real cloud server (its
 * fastify app and SQLite store). A refused request (4xx) must leave every table as it was; no
 * input may get a 5xx.
 */
import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  LAYOUT,
  provisionAndEnroll,
  startTestCloud,
  type Caller,
} from '../../../../cloud-mock/testSupport/cloudFixture';
import { openDatabase } from '../../../../cloud-mock/store/database';
import { API_ROLES } from '../../../../src/shared/rest/apiKeys';
import { buildOpenApi } from '../../../../src/shared/rest/openapi';
import { damagedText, mutatedJson } from './jsonMutation';
import { fromJsonSchema, type JsonSchema } from './jsonSchemaArbitrary';
import type { FuzzSubject, ParserFuzz, Verdict } from './parserFuzz';
import { changedTables, storeState } from './sqliteState';

interface Operation {
  method: string;
  path: string;
  body: JsonSchema;
  params: { name: string; schema: JsonSchema }[];
  roles: string[];
}

export interface RestInput {
  operation: string;
  method: string;
  url: string;
  kind: string;
  body: string | Uint8Array;
  caller: Caller;
}

const LOCKER = 'fz-locker-1';
// Names of things that exist, so requests get past the lookups to what lies behind them.
const KNOWN = { lockerId: [LOCKER], compartmentId: LAYOUT.map((c) => c.id), lockers: [[LOCKER]] };

function operations(): Operation[] {
  const doc = buildOpenApi() as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const body = (
        op['requestBody'] as { content: Record<string, { schema: JsonSchema }> } | undefined
      )?.content['application/json']?.schema;
      if (body === undefined) continue;
      const params = (
        (op['parameters'] ?? []) as { name: string; in: string; schema: JsonSchema }[]
      ).filter((p) => p.in === 'path');
      out.push({
        method: method.toUpperCase(),
        path,
        body,
        params,
        roles: op['x-roles'] as string[],
      });
    }
  }
  return out;
}

/** A path with its parameters filled: the locker that exists, or whatever the schema allows. */
function url(op: Operation): fc.Arbitrary<string> {
  const values = op.params.map((p) =>
    fc.oneof(
      p.name === 'id' && op.path.startsWith('/api/v1/lockers')
        ? fc.constant(LOCKER)
        : fromJsonSchema(p.schema),
      fromJsonSchema(p.schema),
      fc.string({ maxLength: 20 }),
    ),
  );
  return fc
    .tuple(...values)
    .map((filled) =>
      op.params.reduce(
        (path, p, i) => path.replace(`{${p.name}}`, encodeURIComponent(String(filled[i]))),
        op.path,
      ),
    );
}

function requestOf(op: Operation): fc.Arbitrary<RestInput> {
  const good = fromJsonSchema(op.body, KNOWN);
  const body: fc.Arbitrary<{ kind: string; body: string | Uint8Array }> = fc.oneof(
    { weight: 3, arbitrary: good.map((b) => ({ kind: 'fits-schema', body: JSON.stringify(b) })) },
    {
      weight: 4,
      arbitrary: mutatedJson(good).map((b) => ({
        kind: 'damaged-json',
        body: JSON.stringify(b) ?? 'null',
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .jsonValue({ maxDepth: 3 })
        .map((b) => ({ kind: 'any-json', body: JSON.stringify(b) })),
    },
    {
      weight: 2,
      arbitrary: damagedText(good.map((b) => JSON.stringify(b))).map((b) => ({
        kind: 'bytes',
        body: b,
      })),
    },
  );
  const caller: fc.Arbitrary<Caller> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom(
        ...(op.roles.length > 0 ? op.roles : ['operator']),
      ) as fc.Arbitrary<Caller>,
    },
    { weight: 1, arbitrary: fc.constantFrom<Caller>('anonymous', ...API_ROLES) },
  );
  return fc.tuple(url(op), body, caller).map(([u, b, c]) => ({
    operation: `${op.method} ${op.path}`,
    method: op.method,
    url: u,
    kind: b.kind,
    body: b.body,
    caller: c,
  }));
}

async function openCloud(): Promise<FuzzSubject<RestInput>> {
  const cloud = await startTestCloud();
  await provisionAndEnroll(cloud, LOCKER);
  const reader = openDatabase(join(cloud.dataDir, 'cloud.sqlite'));
  const state = () => storeState(reader);
  // Moves whenever another connection (the cloud's) commits: unmoved, nothing can have changed.
  const version = () => reader.pragma('data_version', { simple: true }) as number;
  let before = state();
  let seenVersion = version();
  let fullSnapshots = 0;
  const statuses: Record<string, number> = {};
  return {
    async handle(input): Promise<Verdict> {
      const response = await cloud.inject(
        {
          method: input.method as 'POST' | 'PUT',
          url: input.url,
          headers: { 'content-type': 'application/json' },
          payload: typeof input.body === 'string' ? input.body : Buffer.from(input.body),
        },
        input.caller,
      );
      const status = response.statusCode;
      const key = `${input.operation} ${status}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
      let changed: string[] = [];
      if (version() !== seenVersion) {
        seenVersion = version();
        fullSnapshots += 1;
        const after = state();
        changed = changedTables(before, after);
        before = after;
      }
      if (status >= 500)
        return { rejected: true, violation: `${status} ${response.body.slice(0, 300)}` };
      const rejected = status >= 400;
      let answer: unknown;
      try {
        answer = JSON.parse(response.body);
      } catch {
        return {
          rejected,
          violation: `a ${status} answer that is not JSON: ${response.body.slice(0, 200)}`,
        };
      }
      if (rejected && changed.length > 0) {
        return {
          rejected,
          violation: `a ${status} (${JSON.stringify(answer).slice(0, 200)}) changed ${changed.join(', ')}`,
        };
      }
      return { rejected };
    },
    figures: () => ({ fullSnapshots, byStatus: statuses }),
    async close() {
      reader.close();
      // The cloud's close can wait on nothing alive after a run (the process would just end):
      // a timer keeps the run going to report its figures.
      await Promise.race([cloud.close(), new Promise((resolve) => setTimeout(resolve, 3_000))]);
      rmSync(cloud.dataDir, { recursive: true, force: true });
    },
  };
}

export function restFuzz(smallRuns: number): ParserFuzz<RestInput> {
  return {
    name: 'rest bodies',
    smallRuns,
    boundMs: 5_000,
    // Every accepted request adds rows the next state read hashes: a fresh cloud keeps it short.
    freshEvery: 20_000,
    input: fc.oneof(...operations().map(requestOf)),
    show: (input) =>
      `${input.method} ${input.url} as ${JSON.stringify(input.caller)} (${input.kind}) ${typeof input.body === 'string' ? input.body : Buffer.from(input.body).toString('hex')}`,
    open: openCloud,
  };
}
