/**
 * Writes docs/openapi.json from the shared REST schemas:
 * `npx tsx cloud-mock/writeOpenApi.ts` (openapi.test.ts fails while the file is stale).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApi } from '../src/shared/rest/openapi';

export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
export const REGENERATE = 'npx tsx cloud-mock/writeOpenApi.ts';

export function openApiText(): string {
  return JSON.stringify(buildOpenApi(), null, 2) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(OPENAPI_FILE, openApiText());
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
