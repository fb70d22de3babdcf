// Builds the renderer into dist/renderer, served by the web shell and loaded by Electron.
// Paths are relative to the package root, where `npm run build` runs. The React plugin is
// loaded by a computed specifier, and nothing is imported from vite, so this file pulls no
// Node types into the renderer's type check (which must fail on any Node global).
const reactPlugin = '@vitejs/plugin-react';
const { default: react } = (await import(reactPlugin)) as { default: () => unknown };

export default {
  root: 'src/renderer',
  // Relative asset paths: the same build works over http (web shell) and file:// (Electron).
  base: './',
  plugins: [react()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    // No inline scripts or styles: the CSP allows 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
};
