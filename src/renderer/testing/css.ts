/**
 * A small reader of styles.css for the style tests: its rules (outside @-blocks), its custom
 * properties with var() resolved, colours as hex and lengths in px. Enough for our own sheet.
 */
/**
 * styles.css as text. Vitest empties every CSS import (even `?raw`) unless its config opts in,
 * and tests run in Node, so the file is read there; the renderer itself never does this.
 */
export function readStyles(): string {
  const { process } = globalThis as unknown as {
    process: {
      getBuiltinModule(id: 'node:fs'): { readFileSync(path: string, encoding: 'utf8'): string };
    };
  };
  // Not `new URL('…', import.meta.url)` inline: Vite would rewrite that into an asset URL.
  const here = import.meta.url;
  const path = decodeURIComponent(new URL('../styles.css', here).pathname);
  return process.getBuiltinModule('node:fs').readFileSync(path, 'utf8');
}

export interface CssRule {
  selectors: string[];
  declarations: Map<string, string>;
}

const normalise = (selector: string) => selector.replace(/\s+/g, ' ').trim();

export function parseCss(text: string): CssRule[] {
  const css = text.replace(/\/\*[\s\S]*?\*\//g, '');
  const rules: CssRule[] = [];
  let i = 0;
  while (i < css.length) {
    const open = css.indexOf('{', i);
    if (open < 0) break;
    const prelude = css.slice(i, open).trim();
    if (prelude.startsWith('@')) {
      // Skip the whole @-block (keyframes, reduced-motion): not part of the resting look.
      let depth = 1;
      let j = open + 1;
      for (; j < css.length && depth > 0; j++)
        depth += css[j] === '{' ? 1 : css[j] === '}' ? -1 : 0;
      i = j;
      continue;
    }
    const close = css.indexOf('}', open);
    const declarations = new Map<string, string>();
    for (const part of css.slice(open + 1, close).split(';')) {
      const colon = part.indexOf(':');
      if (colon > 0) declarations.set(part.slice(0, colon).trim(), part.slice(colon + 1).trim());
    }
    rules.push({ selectors: prelude.split(',').map(normalise), declarations });
    i = close + 1;
  }
  return rules;
}

export class StyleSheet {
  readonly rules: CssRule[];
  readonly properties: Map<string, string>;

  constructor(text: string) {
    this.rules = parseCss(text);
    this.properties = new Map();
    for (const rule of this.rules)
      if (rule.selectors.includes(':root'))
        for (const [k, v] of rule.declarations) if (k.startsWith('--')) this.properties.set(k, v);
  }

  resolve(value: string): string {
    let out = value;
    for (let n = 0; n < 10 && out.includes('var('); n++)
      out = out.replace(/var\((--[\w-]+)\)/g, (_, name: string) => {
        const v = this.properties.get(name);
        if (v === undefined) throw new Error(`styles.css has no ${name}`);
        return v;
      });
    return out;
  }

  /** The last value of `property` in the rule for exactly `selector`, resolved. */
  value(selector: string, property: string): string | undefined {
    let found: string | undefined;
    for (const rule of this.rules)
      if (rule.selectors.includes(normalise(selector)) && rule.declarations.has(property))
        found = rule.declarations.get(property);
    return found === undefined ? undefined : this.resolve(found);
  }

  /** The colours of a property; `border-color` and `background` fall back to shorthands. */
  colours(selector: string, property: string): string[] {
    const fallbacks: Record<string, string[]> = {
      'border-color': ['border-color', 'border'],
      background: ['background', 'background-color'],
    };
    for (const p of fallbacks[property] ?? [property]) {
      const v = this.value(selector, p);
      if (v !== undefined) {
        const found = hexColours(v);
        if (found.length === 0) throw new Error(`${selector} { ${p}: ${v} } has no colour`);
        return found;
      }
    }
    throw new Error(`styles.css has no ${property} for ${selector}`);
  }
}

export function hexColours(value: string): string[] {
  return [...value.matchAll(/#([0-9a-f]{6}|[0-9a-f]{3})\b/gi)].map((m) => {
    const h = m[1]!.toLowerCase();
    return `#${h.length === 3 ? [...h].map((c) => c + c).join('') : h}`;
  });
}

/** WCAG 2.x contrast ratio of two sRGB hex colours. */
export function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** A length in px (px, or em/rem at the sheet's 20 px root), or undefined for anything else. */
export function px(value: string | undefined, rootPx = 20): number | undefined {
  const m = value?.trim().match(/^(\d+(?:\.\d+)?)(px|r?em)$/);
  if (!m) return undefined;
  return m[2] === 'px' ? Number(m[1]) : Number(m[1]) * rootPx;
}
