import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../shared/events';
import { codeDigest } from '../../shared/node/codeDigest';
import {
  privateKeyToRaw,
  publicKeyToRaw,
  signEvent,
  verifyChain,
} from '../../shared/node/eventChain';
import { FileIdentityStore, IdentityFileError } from './fileIdentityStore';
import type { IdentityFileProblem } from './fileIdentityStore';

/** Deterministic "randomness": SHA-256 counter stream from a label. */
function seededRandom(label: string): (size: number) => Buffer {
  let counter = 0;
  return (size) => {
    const out = Buffer.alloc(size);
    for (let offset = 0; offset < size; offset += 32) {
      createHash('sha256').update(`${label}:${counter++}`).digest().copy(out, offset);
    }
    return out;
  };
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'identity-'));
  file = join(dir, 'identity.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function expectProblem(problem: IdentityFileProblem, pattern: RegExp): void {
  let error: unknown;
  try {
    FileIdentityStore.open(file);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(IdentityFileError);
  const identityError = error as IdentityFileError;
  expect(identityError.problem).toBe(problem);
  expect(identityError.file).toBe(file);
  expect(identityError.message).toContain(file);
  expect(identityError.message).toMatch(pattern);
}

const fingerprint = (store: FileIdentityStore) => ({
  privateKey: privateKeyToRaw(store.deviceKey().privateKey),
  publicKey: publicKeyToRaw(store.deviceKey().publicKey),
  codeDigestKey: store.codeDigestKey().toString('hex'),
});

describe('FileIdentityStore', () => {
  it('creates a 0600 key file with an Ed25519 pair and a 32-byte digest key', () => {
    const store = FileIdentityStore.open(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { privateKey, publicKey } = store.deviceKey();
    expect(privateKey.asymmetricKeyType).toBe('ed25519');
    expect(publicKey.type).toBe('public');
    expect(store.codeDigestKey()).toHaveLength(32);
    const stored: unknown = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored).toMatchObject({ format: 'parcel-locker-identity', version: 1 });
    expect(readdirSync(dir)).toEqual(['identity.json']);
  });

  it('creates missing parent directories', () => {
    file = join(dir, 'data', 'keys', 'identity.json');
    FileIdentityStore.open(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reloads the same keys on the next start and keeps the file unchanged', () => {
    const first = FileIdentityStore.open(file);
    const bytes = readFileSync(file);
    const second = FileIdentityStore.open(file, { randomBytes: seededRandom('unused') });
    expect(fingerprint(second)).toEqual(fingerprint(first));
    expect(readFileSync(file)).toEqual(bytes);

    const event = signEvent(
      {
        v: 1,
        lockerId: 'LKR-1',
        seq: 1,
        type: 'locker.started',
        at: '2025-01-01T00:00:00.000Z',
        payload: {},
        prevHash: GENESIS_HASH,
      },
      second.deviceKey().privateKey,
    );
    expect(verifyChain([event], first.deviceKey().publicKey).ok).toBe(true);
  });

  it('draws its keys from the injected randomness', () => {
    const a = FileIdentityStore.open(file, { randomBytes: seededRandom('a') });
    const expected = seededRandom('a');
    expect(privateKeyToRaw(a.deviceKey().privateKey)).toBe(expected(32).toString('base64url'));
    expect(a.codeDigestKey()).toEqual(expected(32));
    rmSync(file);
    const b = FileIdentityStore.open(file, { randomBytes: seededRandom('b') });
    expect(fingerprint(b).publicKey).not.toBe(fingerprint(a).publicKey);
  });

  it('hands out a copy of the digest key', () => {
    const store = FileIdentityStore.open(file);
    const before = codeDigest(store.codeDigestKey(), '123456');
    store.codeDigestKey().fill(0);
    expect(codeDigest(store.codeDigestKey(), '123456')).toBe(before);
  });

  it('rejects a file readable by group or others, naming the mode', () => {
    FileIdentityStore.open(file);
    chmodSync(file, 0o644);
    expectProblem('insecure_permissions', /mode 0644/);
    chmodSync(file, 0o640);
    expectProblem('insecure_permissions', /mode 0640/);
    chmodSync(file, 0o600);
    expect(() => FileIdentityStore.open(file)).not.toThrow();
  });

  it('rejects corrupt JSON and never replaces it', () => {
    writeFileSync(file, '{"format": "parcel-locker-identity", ', { mode: 0o600 });
    expectProblem('malformed', /not valid JSON/);
    writeFileSync(file, '', { mode: 0o600 });
    expectProblem('malformed', /not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('rejects JSON that is not an identity file', () => {
    writeFileSync(file, JSON.stringify({ format: 'parcel-locker-identity', version: 1 }), {
      mode: 0o600,
    });
    expectProblem('malformed', /deviceKey/);
  });

  it('rejects a public key that does not belong to the private key', () => {
    FileIdentityStore.open(file);
    const other = join(dir, 'other.json');
    FileIdentityStore.open(other);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { deviceKey: { publicKey: string } };
    stored.deviceKey.publicKey = (
      JSON.parse(readFileSync(other, 'utf8')) as { deviceKey: { publicKey: string } }
    ).deviceKey.publicKey;
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
    expectProblem('key_mismatch', /does not belong/);
  });

  it('rejects something that is not a regular file, or a symbolic link', () => {
    mkdirSync(file);
    expectProblem('unreadable', /not a regular file/);
    rmSync(file, { recursive: true });
    const target = join(dir, 'elsewhere.json');
    FileIdentityStore.open(target);
    symlinkSync(target, file);
    expectProblem('unreadable', /symbolic link/);
  });

  it('starts cleanly after a crash left a temp file behind, before or after creation', () => {
    const leftover = `${file}.tmp-deadbeef`;
    writeFileSync(leftover, '{"half": ', { mode: 0o644 });
    const created = FileIdentityStore.open(file);
    expect(readdirSync(dir)).toEqual(['identity.json']);

    writeFileSync(leftover, readFileSync(file), { mode: 0o600 });
    const reloaded = FileIdentityStore.open(file);
    expect(fingerprint(reloaded)).toEqual(fingerprint(created));
    expect(existsSync(leftover)).toBe(false);
  });

  it('leaves unrelated files in the directory alone', () => {
    writeFileSync(join(dir, 'locker.db'), 'x');
    writeFileSync(join(dir, 'identity.json.bak'), 'x');
    FileIdentityStore.open(file);
    expect(readdirSync(dir).sort()).toEqual(['identity.json', 'identity.json.bak', 'locker.db']);
  });
});
