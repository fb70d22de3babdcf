/**
 * Benchmark support for bench/renderer.ts: the built renderer's bundle sizes, and what the page
 * itself records in Chromium (an init script, before any of the page's own code): when the home
 * screen became interactive (a heading and an enabled button on the screen, and the socket to
 * the kiosk open where the page has one), and each keypad tap → the next paint (the pointer's
 * event time to a task queued from the first animation frame after the screen changed, which
 * runs once that frame is painted).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { chromium } from '@playwright/test';

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/** Raw and gzip (level 9) sizes of the bundle's scripts and style sheets, in KB. */
export function bundleSizes(rendererDir: string): {
  jsGzipKb: number;
  jsRawKb: number;
  cssGzipKb: number;
  files: number;
} {
  const assets = join(rendererDir, 'assets');
  let [js, jsRaw, css, files] = [0, 0, 0, 0];
  for (const name of readdirSync(assets)) {
    const bytes = readFileSync(join(assets, name));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    if (name.endsWith('.js')) [js, jsRaw] = [js + gzip, jsRaw + bytes.length];
    else if (name.endsWith('.css')) css += gzip;
    else continue;
    files += 1;
  }
  return { jsGzipKb: kb(js), jsRawKb: kb(jsRaw), cssGzipKb: kb(css), files };
}

/** Runs in the page before its own scripts, on every navigation (plain JavaScript). */
const INSTRUMENT = `(() => {
  const bench = { interactiveAt: null, socketOpenAt: null, tapAt: null, taps: [] };
  window.__bench = bench;
  const Native = window.WebSocket;
  let sockets = 0;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      sockets += 1;
      this.addEventListener('open', () => { if (bench.socketOpenAt === null) bench.socketOpenAt = performance.now(); });
    }
  };
  const check = () => {
    const ready =
      document.querySelector('main h1') !== null &&
      document.querySelector('main button:not([disabled])') !== null &&
      (sockets === 0 ? document.readyState !== 'loading' : bench.socketOpenAt !== null);
    if (ready) bench.interactiveAt = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
  document.addEventListener('pointerdown', (e) => {
    const button = e.target instanceof Element ? e.target.closest('button') : null;
    const label = button ? button.getAttribute('aria-label') || '' : '';
    bench.tapAt = label.startsWith('Digit ') ? e.timeStamp : null;
  }, true);
  new MutationObserver(() => {
    const tapAt = bench.tapAt;
    if (tapAt === null) return;
    bench.tapAt = null;
    requestAnimationFrame(() => {
      const after = new MessageChannel();
      after.port1.onmessage = () => bench.taps.push(performance.now() - tapAt);
      after.port2.postMessage(null);
    });
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
})();`;

/** What the init script keeps on the page's global object. */
type Recorded = { __bench: { interactiveAt: number | null; taps: number[] } };

/** The flags of playwright.config.ts, and Debian's Chromium (never a downloaded one). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function instrumentedPage(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ content: INSTRUMENT });
  return { context, page: await context.newPage() };
}

/** Navigates (or reloads) and returns ms from navigation start to interactive. */
export async function timeToInteractive(page: Page, url: string | null): Promise<number> {
  if (url === null) await page.reload();
  else await page.goto(url);
  // Functions, not strings: the kiosk's CSP forbids evaluating strings in the page.
  const handle = await page.waitForFunction(
    () => (globalThis as unknown as Recorded).__bench.interactiveAt,
    undefined,
    { timeout: 30_000 },
  );
  return Math.round((await handle.jsonValue()) as number);
}

/** Taps digit keys `count` times (clearing between codes); each tap's ms to the next paint. */
export async function tapsToPaint(page: Page, count: number): Promise<number[]> {
  const digit = (d: number) => page.getByRole('button', { name: `Digit ${d}`, exact: true });
  const clear = page.locator('.keypad button.key-action').first();
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % 6 === 0) await clear.click();
    await digit(i % 10).click();
    await page.waitForFunction(
      (n) => (globalThis as unknown as Recorded).__bench.taps.length > n,
      i,
    );
  }
  const taps = await page.evaluate(() => (globalThis as unknown as Recorded).__bench.taps);
  return taps.map((t) => Math.round(t * 100) / 100);
}

/**
 * The floor: a page with nothing but a heading, a button and a keypad of digits, served from
 * this process, measured the same way: what the browser itself costs.
 */
export async function startFloorPage(): Promise<{ url: string; close(): Promise<void> }> {
  const keys = Array.from(
    { length: 10 },
    (_, d) => `<button class="key" aria-label="Digit ${d}">${d}</button>`,
  ).join('');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>floor</title></head>
<body><main><h1>Welcome</h1><button id="go">Pick up a parcel</button>
<div id="code"></div><div class="keypad">${keys}<button class="key key-action">Clear</button></div>
</main><script src="/floor.js"></script></body></html>`;
  const script = `document.querySelector('.keypad').addEventListener('click', (e) => {
  const b = e.target.closest('button'); if (!b) return;
  const code = document.getElementById('code');
  code.textContent = b.classList.contains('key-action') ? '' : code.textContent + b.textContent;
});`;
  const server: Server = createServer((req, res) => {
    const js = req.url === '/floor.js';
    res.writeHead(200, {
      'content-type': js ? 'text/javascript' : 'text/html',
      'cache-control': 'no-store',
    });
    res.end(js ? script : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
