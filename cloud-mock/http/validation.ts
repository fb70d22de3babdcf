/** Turns zod issues into the API's field-level 400 body. */
import type { z } from 'zod';
import type { ValidationError } from '../../src/shared/rest/schemas';

export class InvalidRequest extends Error {
  constructor(readonly problems: ValidationError['problems']) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  }

  get body(): ValidationError {
    return { error: 'invalid_request', problems: this.problems };
  }
}

/** Parses one part of a request; `where` prefixes each problem's path (body, query, params). */
export function parsePart<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.output<T> {
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  throw new InvalidRequest(
    result.error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}
