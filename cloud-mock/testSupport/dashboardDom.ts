/**
 * Test support: the dashboard's public page and its real script in jsdom, talking to a test
 * cloud's real API (fetch goes through `inject` with the headers the script sends, key
 * included). No timer: the script refreshes when a test acts.
 */
import { createRequire } from 'node:module';
import { DASHBOARD_JS } from '../http/dashboardAssets';
import type { TestCloud } from './cloudFixture';

/** jsdom ships no types here (and this project has no DOM lib): the little of it used. */
export interface DomNode {
  textContent: string | null;
  className: string;
  hidden: boolean;
  value: string;
  checked: boolean;
  disabled: boolean;
  querySelector(selector: string): DomNode | null;
  querySelectorAll(selector: string): Iterable<DomNode> & { length: number };
  click(): void;
}
interface Dom {
  window: {
    document: DomNode & { getElementById(id: string): DomNode | null };
    sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
    fetch: unknown;
    setInterval: unknown;
    alert: unknown;
    eval(code: string): unknown;
    close(): void;
  };
}
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (html: string, options: { url: string; runScripts: 'outside-only' }) => Dom;
};

export interface Dashboard {
  doc: Dom['window']['document'];
  byId(id: string): DomNode;
  storedKey(): string | null;
  /** Types a key into the form and submits it. */
  enterKey(key: string): void;
  /** Fills fields by id (text, or true/false for a checkbox), then presses the form's submit. */
  submit(formId: string, fields?: Record<string, string | boolean>): void;
  /** Every API path the script called, in order, with the key it sent (or null). */
  calls: { url: string; authorization: string | null }[];
  close(): void;
}

export async function openDashboard(
  cloud: TestCloud,
  options: { query?: string; storedKey?: string } = {},
): Promise<Dashboard> {
  const html = (await cloud.inject({ method: 'GET', url: '/' }, 'anonymous')).body;
  const { window } = new JSDOM(html, {
    url: `${cloud.httpUrl}/${options.query ?? ''}`,
    runScripts: 'outside-only',
  });
  if (options.storedKey) window.sessionStorage.setItem('cloud-mock.apiKey', options.storedKey);
  const calls: Dashboard['calls'] = [];
  window.fetch = async (
    url: string,
    init?: { method?: string; body?: string; headers?: Record<string, string> },
  ) => {
    const authorization = init?.headers?.['authorization'] ?? null;
    calls.push({ url: String(url), authorization });
    const r = await cloud.inject(
      {
        method: (init?.method ?? 'GET') as 'GET' | 'POST',
        url: String(url),
        headers: { ...init?.headers, 'content-type': 'application/json' },
        ...(init?.body === undefined ? {} : { payload: init.body }),
      },
      'anonymous',
    );
    return { ok: r.statusCode < 400, status: r.statusCode, json: async () => r.json() };
  };
  window.setInterval = () => 0;
  window.alert = (message?: unknown) => {
    throw new Error(`the dashboard alerted: ${String(message)}`);
  };
  window.eval(DASHBOARD_JS);
  const doc = window.document;
  const byId = (id: string) => {
    const node = doc.getElementById(id);
    if (!node) throw new Error(`no #${id} on the page`);
    return node;
  };
  return {
    doc,
    byId,
    storedKey: () => window.sessionStorage.getItem('cloud-mock.apiKey'),
    enterKey: (key) => {
      byId('api-key').value = key;
      byId('key-form').querySelector('button[type="submit"]')!.click();
    },
    submit: (formId, fields = {}) => {
      for (const [id, value] of Object.entries(fields)) {
        if (typeof value === 'boolean') byId(id).checked = value;
        else byId(id).value = value;
      }
      byId(formId).querySelector('button[type="submit"]')!.click();
    },
    calls,
    close: () => window.close(),
  };
}
