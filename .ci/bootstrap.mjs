#!/usr/bin/env node
// Makes `npm start` and `npm test` self-sufficient on a fresh Debian machine: installs the
// Debian packages the command needs (apt-get when root, else a message naming them) and the
// npm dependencies when package.json or package-lock.json changed since the last install.
// Plain Node with no dependencies, because it runs before node_modules exists.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const purpose = process.argv[2] ?? 'test';

// socat: simulated lock board on a pty pair; libusb/libudev: node-hid's runtime libraries;
// mosquitto-clients and openssl: the attacker's and the CA's tools in the cloud-link tests.
const debianPackages = {
  start: ['socat', 'libusb-1.0-0', 'libudev1'],
  test: [
    'socat',
    'libusb-1.0-0',
    'libudev1',
    'mosquitto',
    'mosquitto-clients',
    'openssl',
    'chromium',
  ],
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`bootstrap: '${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function isInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function ensureDebianPackages(wanted) {
  if (spawnSync('dpkg-query', ['--version']).status !== 0) {
    console.warn(
      `bootstrap: not a Debian system; make sure these are installed: ${wanted.join(' ')}`,
    );
    return;
  }
  const missing = wanted.filter((p) => !isInstalled(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`bootstrap: missing Debian packages: ${missing.join(' ')}`);
    console.error(
      `  install them with: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`bootstrap: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
}

function ensureNpmDependencies() {
  // Only what decides the installed tree: editing a script must not trigger a reinstall.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const hash = createHash('sha256').update(JSON.stringify([pkg.dependencies, pkg.devDependencies]));
  if (existsSync(join(root, 'package-lock.json')))
    hash.update(readFileSync(join(root, 'package-lock.json')));
  const digest = hash.digest('hex');
  const stamp = join(root, 'node_modules', '.bootstrap-stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  const hasLock = existsSync(join(root, 'package-lock.json'));
  console.log(
    'bootstrap: installing npm dependencies (better-sqlite3 builds from source: about a minute)',
  );
  run('npm', [hasLock ? 'ci' : 'install', '--no-audit', '--no-fund']);
  writeFileSync(stamp, digest);
}

ensureDebianPackages(debianPackages[purpose] ?? debianPackages.test);
ensureNpmDependencies();
