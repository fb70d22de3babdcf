import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { publicKeyToRaw, signDetached, verifyDetached } from '../src/shared/node/ed25519';
import { LogCapture } from './testSupport/logCapture';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE } from './signingKey';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cloud-key-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('cloud signing key file', () => {
  it('is created 0600 on first start and the same key is loaded afterwards', () => {
    const dir = tempDir();
    const logs = new LogCapture();
    const first = loadOrCreateSigningKey(dir, logs.logger);
    const file = join(dir, SIGNING_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadOrCreateSigningKey(dir, logs.logger);
    expect(publicKeyToRaw(second.publicKey)).toBe(publicKeyToRaw(first.publicKey));
    expect(verifyDetached('x', signDetached('x', second.privateKey), first.publicKey)).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('BEGIN');
  });

  it('tightens a key file others can read, and refuses a file that is not a key', () => {
    const dir = tempDir();
    const logs = new LogCapture();
    loadOrCreateSigningKey(dir, logs.logger);
    const file = join(dir, SIGNING_KEY_FILE);
    chmodSync(file, 0o644);
    loadOrCreateSigningKey(dir, logs.logger);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(logs.records.some((r) => r.level === 40 && String(r.msg).includes('readable'))).toBe(
      true,
    );
    writeFileSync(file, '{"v":1}', { mode: 0o600 });
    expect(() => loadOrCreateSigningKey(dir, logs.logger)).toThrow(/not a cloud signing key/);
  });
});
