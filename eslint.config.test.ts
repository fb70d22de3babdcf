// The import boundaries of DESIGN §2 are lint rules; this proves each one fires (and that
// allowed imports pass), so a broken rule cannot silently let a boundary go.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: import.meta.dirname });

async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: file });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

const cases: [file: string, source: string, allowed: boolean][] = [
  ['src/main/services/x.ts', "import { app } from 'electron';", false],
  ['src/main/electronShell.ts', "import { app } from 'electron';", true],
  ['src/preload/index.ts', "import { contextBridge } from 'electron';", true],
  ['src/main/core/x.ts', "import { readFileSync } from 'node:fs';", false],
  ['src/main/core/x.ts', "import Database from 'better-sqlite3';", false],
  ['src/main/core/x.ts', "import { listParcels } from '../store/parcels';", false],
  ['src/main/core/x.ts', "import { ok } from '../../shared/result';", true],
  ['src/shared/x.ts', "import { createHash } from 'node:crypto';", false],
  ['src/shared/x.ts', "import { KioskCore } from '../main/services/kioskCore';", false],
  ['src/shared/node/x.ts', "import { createHash } from 'node:crypto';", true],
  ['src/renderer/x.ts', "import { verifyChain } from '../shared/node/eventChain';", false],
  ['src/renderer/x.ts', "import { readFileSync } from 'fs';", false],
  ['src/renderer/x.ts', "import { SIZES } from '../shared/domain';", true],
  ['hardware/lockboard/x.ts', "import { ok } from '../../src/shared/result';", false],
  ['hardware/lockboard/x.ts', "import { SerialPort } from 'serialport';", true],
  ['cloud-mock/x.ts', "import { KioskCore } from '../src/main/services/kioskCore';", false],
  [
    'cloud-mock/x.ts',
    "import { SerialLockBoard } from '../hardware/lockboard/serialLockBoard';",
    false,
  ],
  ['cloud-mock/x.ts', "import { startControlServer } from '../hardware/sim/controlServer';", true],
  ['cloud-mock/x.ts', "import { verifyChain } from '../src/shared/node/eventChain';", true],
];

describe('import boundaries', () => {
  it.each(cases)('%s: %s → allowed %s', async (file, source, allowed) => {
    const errors = await boundaryErrors(file, source);
    expect(errors.length === 0).toBe(allowed);
  });
});
