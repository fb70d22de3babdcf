// Compiles the Electron shell for packaging: main (ESM) into dist/main/electron.js and the
// sandboxed preload (CommonJS, the only form a sandboxed preload may take) into
// dist/preload/preload.cjs. The renderer is built by Vite into dist/renderer (npm run build).
// Native modules and Electron itself stay external: electron-builder ships them.
import { build } from 'esbuild';

const external = [
  'electron',
  'better-sqlite3',
  'serialport',
  '@serialport/*',
  'node-hid',
  'pino',
  'pino-pretty',
];

await build({
  entryPoints: ['src/main/electron.ts'],
  outfile: 'dist/main/electron.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external,
  sourcemap: true,
  // Bundled CommonJS dependencies still call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});

await build({
  entryPoints: ['src/preload/preload.ts'],
  outfile: 'dist/preload/preload.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['electron'],
  logLevel: 'warning',
});
