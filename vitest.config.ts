import { defineConfig } from 'vitest/config';

// Unit and integration suites sit next to the code they prove; e2e/ is Playwright's.
export default defineConfig({
  test: {
    include: ['{src,hardware,cloud-mock,bench}/**/*.test.{ts,tsx}', '*.test.ts'],
    exclude: ['node_modules', 'dist', 'e2e'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
