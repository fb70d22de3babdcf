/**
 * Runs in the page (page.evaluate): what a person at the screen would find wrong with the
 * layout. The page must not scroll either way; no text may be cut off or wider than its box;
 * every control must be on the screen (or in a list that scrolls) and at least `minTarget` px
 * both ways; in portrait the keypad and the main actions must sit in the lower two thirds.
 * Self-contained, as page.evaluate requires; typed by hand (the Node side has no DOM types).
 */

interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
  height: number;
}
interface PageElement {
  tagName: string;
  className: unknown;
  textContent: string | null;
  parentElement: PageElement | null;
  scrollWidth: number;
  clientWidth: number;
  scrollHeight: number;
  clientHeight: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): Rect;
  closest(selector: string): PageElement | null;
}
interface PageStyle {
  display: string;
  visibility: string;
  overflowX: string;
  overflowY: string;
}
interface PageGlobals {
  innerWidth: number;
  innerHeight: number;
  document: {
    documentElement: PageElement;
    querySelectorAll(selector: string): ArrayLike<PageElement>;
  };
  getComputedStyle(element: PageElement): PageStyle;
}

export function layoutProblems(minTarget: number): string[] {
  const w = globalThis as unknown as PageGlobals;
  const problems: string[] = [];
  const vw = w.innerWidth;
  const vh = w.innerHeight;
  const root = w.document.documentElement;
  const all = (selector: string) => Array.from(w.document.querySelectorAll(selector));
  const describe = (el: PageElement) => {
    const cls =
      typeof el.className === 'string' && el.className
        ? `.${el.className.trim().split(/\s+/).join('.')}`
        : '';
    const text = (el.getAttribute('aria-label') ?? el.textContent ?? '')
      .trim()
      .replace(/\s+/g, ' ');
    return `${el.tagName.toLowerCase()}${cls} "${text.slice(0, 40)}"`;
  };
  const shown = (el: PageElement) => {
    const style = w.getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && !el.closest('.visually-hidden');
  };
  /** The nearest ancestor that scrolls (a list with its own scroll bar), if any. */
  const scroller = (el: PageElement) => {
    for (let p = el.parentElement; p && p !== root; p = p.parentElement) {
      const style = w.getComputedStyle(p);
      if (/auto|scroll/.test(style.overflowY)) return p;
    }
    return null;
  };

  if (root.scrollWidth > vw)
    problems.push(`the page scrolls sideways (${root.scrollWidth - vw} px)`);
  if (root.scrollHeight > vh) problems.push(`the page scrolls down (${root.scrollHeight - vh} px)`);

  for (const el of all('.kiosk *')) {
    if (!shown(el) || el.tagName === 'svg' || el.closest('svg')) continue;
    const style = w.getComputedStyle(el);
    const r = el.getBoundingClientRect();
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
      problems.push(
        `${describe(el)}: content wider than its box (${el.scrollWidth} > ${el.clientWidth} px)`,
      );
    if (/hidden|clip/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1)
      problems.push(`${describe(el)}: content cut off at the bottom`);
    const outer = scroller(el)?.getBoundingClientRect() ?? {
      left: 0,
      top: 0,
      right: vw,
      bottom: vh,
    };
    const inScroller = scroller(el) !== null;
    if (r.left < outer.left - 1 || r.right > outer.right + 1)
      problems.push(`${describe(el)}: sticks out ${r.left < outer.left ? 'left' : 'right'}`);
    if (!inScroller && (r.top < -1 || r.bottom > vh + 1))
      problems.push(`${describe(el)}: off the screen`);
  }

  for (const el of all('button, input, select, textarea, a[href], [role="tab"]')) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width < minTarget - 0.5 || r.height < minTarget - 0.5)
      problems.push(`${describe(el)}: target ${Math.round(r.width)}×${Math.round(r.height)} px`);
  }

  if (vh > vw)
    for (const el of all('.keypad, .btn-primary')) {
      if (!shown(el) || el.closest('.dialog')) continue;
      if (el.getBoundingClientRect().top < vh / 3 - 1)
        problems.push(`${describe(el)}: in the top third, out of easy reach`);
    }
  return problems;
}
