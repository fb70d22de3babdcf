/**
 * The checks every screen state gets, once per viewport: a screenshot, an accessibility scan by
 * axe-core (no serious or critical violation), and a layout check in English, German and Polish,
 * normal and large text: the page never scrolls, nothing is clipped or off the screen, every
 * target is at least 64 px, and in portrait the keypad and the main actions sit in the lower
 * two thirds. The landscape run checks the layout at 1920×1080 as well (English, and German in
 * large text: the widest words).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { layoutProblems } from './layoutProblems';

const LANGUAGES = ['en', 'de', 'pl'] as const;
/** Every rule axe has, its experimental ones too (label-content-name-mismatch is one). */
const AXE_TAGS = [
  'wcag2a',
  'wcag2aa',
  'wcag21a',
  'wcag21aa',
  'wcag22aa',
  'best-practice',
  'experimental',
];
const WIDE = { width: 1920, height: 1080 };

/** The settings bar's controls, pressed without a pointer so the idle clock is not reset. */
async function choose(page: Page, language: string, large: boolean): Promise<void> {
  await page.locator(`.settings-bar button:has([lang="${language}"])`).dispatchEvent('click');
  const toggle = page.getByTestId('large-text');
  if ((await toggle.getAttribute('aria-pressed')) !== String(large))
    await toggle.dispatchEvent('click');
  await expect(page.locator('html')).toHaveAttribute('lang', language);
  await expect(toggle).toHaveAttribute('aria-pressed', String(large));
}

type Variant = { language: (typeof LANGUAGES)[number]; large: boolean };
const EVERY_VARIANT: Variant[] = LANGUAGES.flatMap((language) =>
  [false, true].map((large) => ({ language, large })),
);
/** On the wide screen, the variants that can still break: English, and German's long words. */
const WIDE_VARIANTS: Variant[] = [
  { language: 'en', large: false },
  { language: 'en', large: true },
  { language: 'de', large: true },
];

async function layoutInEveryLanguage(
  page: Page,
  testInfo: TestInfo,
  name: string,
  variants: Variant[] = EVERY_VARIANT,
): Promise<string[]> {
  const found: string[] = [];
  const size = page.viewportSize()!;
  for (const { language, large } of variants) {
    await choose(page, language, large);
    const where = `${size.width}×${size.height} ${language}${large ? ' large text' : ''}`;
    const problems = await page.evaluate(layoutProblems, 64);
    found.push(...problems.map((problem) => `${where}: ${problem}`));
    const file = `${where.replace(/\W+/g, '-')}.png`;
    // What went wrong, pictured, for whoever reads the failure; every variant on request.
    if (problems.length > 0) await page.screenshot({ path: testInfo.outputPath(file) });
    if (process.env.E2E_EVERY_VARIANT === '1') {
      mkdirSync('e2e/screenshots/variants', { recursive: true });
      await page.screenshot({ path: join('e2e/screenshots/variants', `${name}-${file}`) });
    }
  }
  await choose(page, 'en', false);
  return found;
}

export async function checkScreen(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const project = testInfo.project.name;
  // Let the screen settle (transitions, fonts) before it is judged or pictured.
  await page.evaluate('document.fonts.ready.then(() => undefined)');
  const dir = join('e2e/screenshots', project);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
  // Every state's picture in docs/ comes from the portrait run, when asked for.
  if (project === 'portrait' && process.env.UPDATE_DOC_SCREENSHOTS === '1') {
    mkdirSync('docs/screenshots', { recursive: true });
    await page.screenshot({ path: join('docs/screenshots', `${name}.png`) });
  }

  const axe = await new AxeBuilder({ page })
    .options({ runOnly: { type: 'tag', values: AXE_TAGS } })
    .analyze();
  const serious = axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} ×${v.nodes.length}: ${v.nodes[0]?.target.join(' ')} (${v.help})`);
  expect(serious, `${name}: serious or critical accessibility violations`).toEqual([]);

  const problems = await layoutInEveryLanguage(page, testInfo, name);
  const size = page.viewportSize()!;
  if (project === 'landscape') {
    await page.setViewportSize(WIDE);
    problems.push(...(await layoutInEveryLanguage(page, testInfo, name, WIDE_VARIANTS)));
    await page.setViewportSize(size);
  }
  expect(problems, `${name}: layout problems`).toEqual([]);
}
