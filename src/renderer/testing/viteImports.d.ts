/** What Vite (and so Vitest) gives the renderer's tests: CSS and source files as text. */
declare module '*.css?raw' {
  const text: string;
  export default text;
}

interface ImportMeta {
  glob(
    patterns: string | string[],
    options: { query: '?raw'; import: 'default'; eager: true },
  ): Record<string, string>;
}
