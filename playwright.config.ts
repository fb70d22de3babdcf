// End-to-end journeys in Debian's Chromium against the real KioskCore, the simulated hardware
// and the web shell (e2e/fixtures.ts). One worker: each test starts its own kiosk. Every
// journey runs on the usual portrait locker screen and on a landscape one (issue 11).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  projects: [
    { name: 'portrait', use: { viewport: { width: 1080, height: 1920 } } },
    { name: 'landscape', use: { viewport: { width: 1280, height: 800 } } },
  ],
  use: {
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
  },
});
