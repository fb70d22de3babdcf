// Lint: typescript-eslint's recommended rules plus the import boundaries of DESIGN §2.
// Each boundary is one `no-restricted-imports` block, so where code may run is checked.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins =
  '^(node:|(fs|fs/promises|net|tls|http|https|child_process|dgram|os|path|crypto|worker_threads|cluster|readline|stream|zlib)$)';
const ioLibraries =
  '^(electron|better-sqlite3|serialport|@serialport/.*|node-hid|mqtt|aedes|fastify|ws|pino)$';

const forbid = (...patterns) => ({
  'no-restricted-imports': [
    'error',
    { patterns: patterns.map(([regex, message]) => ({ regex, message })) },
  ],
});

const electron = ['^electron$', 'Only src/main/electron* and src/preload may import electron.'];
const nodeIo = [nodeBuiltins, 'No Node built-ins here: this code must stay free of I/O.'];
const ioLibs = [ioLibraries, 'No I/O libraries here: inject the port instead.'];
const sharedNode = [
  '(^|/)shared/node(/|$)',
  'src/shared/node is Node-only; the renderer cannot load it.',
];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'out/', 'release/', 'test-results/', 'playwright-report/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  // electron: only the Electron shell files and the preload.
  {
    files: ['**/*.{ts,tsx}'],
    ignores: ['src/main/electron*', 'src/preload/**'],
    rules: forbid(electron),
  },
  // src/shared: pure TypeScript shared by every process.
  {
    files: ['src/shared/**/*.{ts,tsx}'],
    ignores: ['src/shared/node/**'],
    rules: forbid(electron, nodeIo, ioLibs, sharedNode, [
      '(^|/)(main|renderer|preload|hardware|cloud-mock)/',
      'src/shared imports only src/shared.',
    ]),
  },
  {
    files: ['src/shared/node/**/*.ts'],
    rules: forbid(electron, [
      '(^|/)(main|renderer|preload|hardware|cloud-mock)/',
      'src/shared imports only src/shared.',
    ]),
  },
  // src/main/core: the locker's rules, no I/O and no clock of its own.
  {
    files: ['src/main/core/**/*.ts'],
    rules: forbid(electron, nodeIo, ioLibs, [
      '(^|/)(store|cloud|services|ipc|webshell|hardware|renderer)(/|$)',
      'src/main/core is pure domain: it imports only src/shared and itself.',
    ]),
  },
  // The renderer: src/shared (not src/shared/node) and its own files.
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: forbid(electron, nodeIo, ioLibs, sharedNode, [
      '(^|/)(main|preload|hardware|cloud-mock)/',
      'The renderer imports only src/shared and its own files.',
    ]),
  },
  // hardware/: stands alone, no Electron and nothing from src/.
  {
    files: ['hardware/**/*.ts'],
    rules: forbid(electron, ['(^|/)src/', 'hardware/ imports nothing from src/.']),
  },
  // cloud-mock/: src/shared and the hardware simulators only. Its integration suite is the
  // exception: it runs the real kiosk against the real cloud.
  {
    files: ['cloud-mock/**/*.ts'],
    ignores: ['cloud-mock/integration/**'],
    rules: forbid(
      electron,
      ['(^|/)src/(main|renderer|preload)/', 'cloud-mock imports only src/shared and hardware/sim.'],
      ['(^|/)hardware/(?!sim/)', 'cloud-mock imports only src/shared and hardware/sim.'],
    ),
  },
);
