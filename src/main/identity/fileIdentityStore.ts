/**
 * The software identity store: one JSON key file (mode 0600) holding the device's Ed25519 key
 * and its code-digest key, created on first start and loaded on every start after that.
 */
import { createPublicKey, randomBytes as cryptoRandomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import {
  privateKeyFromRaw,
  privateKeyFromSeed,
  privateKeyToRaw,
  publicKeyToRaw,
} from '../../shared/node/ed25519';
import type { DeviceKeyPair, IdentityStore } from './identityStore';

export type IdentityFileProblem =
  'unreadable' | 'insecure_permissions' | 'malformed' | 'key_mismatch' | 'write_failed';

/** Why the key file cannot be used; the message names the file and the problem. */
export class IdentityFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: IdentityFileProblem,
    detail: string,
  ) {
    super(`Identity key file ${file}: ${detail}`);
    this.name = 'IdentityFileError';
  }
}

export interface FileIdentityStoreOptions {
  /** Source of key material; crypto.randomBytes unless a test injects a seeded one. */
  randomBytes?: (size: number) => Buffer;
}

const FILE_FORMAT = 'parcel-locker-identity';
const KEY_BYTES = 32;
const Raw32Schema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'expected 32 bytes as base64url');

const IdentityFileSchema = z.strictObject({
  format: z.literal(FILE_FORMAT),
  version: z.literal(1),
  deviceKey: z.strictObject({
    algorithm: z.literal('ed25519'),
    privateKey: Raw32Schema,
    publicKey: Raw32Schema,
  }),
  codeDigestKey: Raw32Schema,
});
type IdentityFile = z.infer<typeof IdentityFileSchema>;

export class FileIdentityStore implements IdentityStore {
  private constructor(
    private readonly keyPair: DeviceKeyPair,
    private readonly digestKey: Buffer,
  ) {}

  /**
   * Loads the key file at `path`, or creates it if there is none. Throws IdentityFileError
   * for a file it must not use: it never replaces an existing identity, since the cloud
   * knows this device by its public key.
   */
  static open(path: string, options: FileIdentityStoreOptions = {}): FileIdentityStore {
    const randomBytes = options.randomBytes ?? cryptoRandomBytes;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    removeLeftoverTempFiles(path);
    const file = readIdentityFile(path) ?? createIdentityFile(path, randomBytes);
    return FileIdentityStore.fromFile(path, file);
  }

  deviceKey(): DeviceKeyPair {
    return this.keyPair;
  }

  codeDigestKey(): Buffer {
    return Buffer.from(this.digestKey); // a copy: callers cannot change the store's key
  }

  private static fromFile(path: string, file: IdentityFile): FileIdentityStore {
    const privateKey = privateKeyFromRaw(file.deviceKey.privateKey);
    const publicKey = createPublicKey(privateKey);
    if (publicKeyToRaw(publicKey) !== file.deviceKey.publicKey) {
      throw new IdentityFileError(
        path,
        'key_mismatch',
        'deviceKey.publicKey does not belong to deviceKey.privateKey (file damaged or edited)',
      );
    }
    return new FileIdentityStore(
      { privateKey, publicKey },
      Buffer.from(file.codeDigestKey, 'base64url'),
    );
  }
}

/** The parsed file, or null when there is none yet. */
function readIdentityFile(path: string): IdentityFile | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return null;
    const why = code === 'ELOOP' ? 'is a symbolic link' : `cannot be opened (${code})`;
    throw new IdentityFileError(path, 'unreadable', `${why}; refusing to use it`);
  }
  try {
    const stat = fstatSync(fd); // the opened file itself, so nothing can swap it in between
    if (!stat.isFile()) {
      throw new IdentityFileError(path, 'unreadable', 'is not a regular file');
    }
    if ((stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new IdentityFileError(
        path,
        'insecure_permissions',
        `is readable or writable by group or others (mode ${mode}); it holds the device's ` +
          'private key: check it was not copied, then chmod 600 it',
      );
    }
    return parseIdentityFile(path, readFileSync(fd, 'utf8'));
  } catch (error) {
    if (error instanceof IdentityFileError) throw error;
    throw new IdentityFileError(path, 'unreadable', `cannot be read (${errorCode(error)})`);
  } finally {
    closeSync(fd);
  }
}

function parseIdentityFile(path: string, text: string): IdentityFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new IdentityFileError(path, 'malformed', `is not valid JSON (${why})`);
  }
  const parsed = IdentityFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'file';
    throw new IdentityFileError(
      path,
      'malformed',
      `is not a ${FILE_FORMAT} v1 file (${where}: ${issue?.message ?? 'invalid'})`,
    );
  }
  return parsed.data;
}

/**
 * Writes a new identity atomically: temp file (0600) in the same directory, fsync, then a
 * hard link to the final name, which, unlike rename, fails if another start got there first,
 * so an identity is never overwritten. The directory is fsynced so the name survives power loss.
 */
function createIdentityFile(path: string, randomBytes: (size: number) => Buffer): IdentityFile {
  const file = newIdentity(randomBytes);
  const temp = `${path}${TEMP_INFIX}${cryptoRandomBytes(8).toString('hex')}`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      fchmodSync(fd, 0o600); // whatever the umask
      writeFileSync(fd, `${JSON.stringify(file, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (!publishFile(temp, path)) {
      unlinkQuietly(temp);
      const existing = readIdentityFile(path);
      if (!existing) throw new IdentityFileError(path, 'write_failed', 'vanished while created');
      return existing; // another start won the race: use its identity
    }
    fsyncDirectory(dirname(path));
  } catch (error) {
    unlinkQuietly(temp);
    if (error instanceof IdentityFileError) throw error;
    throw new IdentityFileError(path, 'write_failed', `cannot be created (${errorCode(error)})`);
  }
  return file;
}

/** Moves temp to path unless path exists; false when it does. */
function publishFile(temp: string, path: string): boolean {
  try {
    linkSync(temp, path);
    unlinkSync(temp);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    // Filesystems without hard links (FAT): rename; only a concurrent start could race it.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') {
      renameSync(temp, path);
      return true;
    }
    throw error;
  }
}

function newIdentity(randomBytes: (size: number) => Buffer): IdentityFile {
  const seed = randomBytes(KEY_BYTES);
  const digestKey = randomBytes(KEY_BYTES);
  if (seed.length !== KEY_BYTES || digestKey.length !== KEY_BYTES) {
    throw new TypeError(`randomBytes(${KEY_BYTES}) returned the wrong number of bytes`);
  }
  const privateKey = privateKeyFromSeed(seed);
  return {
    format: FILE_FORMAT,
    version: 1,
    deviceKey: {
      algorithm: 'ed25519',
      privateKey: privateKeyToRaw(privateKey),
      publicKey: publicKeyToRaw(createPublicKey(privateKey)),
    },
    codeDigestKey: digestKey.toString('base64url'),
  };
}

const TEMP_INFIX = '.tmp-';

/** Temp files left by a start that crashed mid-write; they hold keys that were never used. */
function removeLeftoverTempFiles(path: string): void {
  const prefix = `${basename(path)}${TEMP_INFIX}`;
  for (const name of readdirSync(dirname(path))) {
    if (name.startsWith(prefix)) unlinkQuietly(join(dirname(path), name));
  }
}

function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return error instanceof Error ? error.message : String(error);
}
