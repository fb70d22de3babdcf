/** What Vite (and so Vitest) gives the renderer's tests: source files as text. */
interface ImportMeta {
  glob(
    patterns: string | string[],
    options: { query: '?raw'; import: 'default'; eager: true },
  ): Record<string, string>;
}
