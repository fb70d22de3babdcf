/** The modules a QrCode's SVG draws: each `M x y h1v1h-1z` square, its quiet zone taken off. */
import { QUIET_ZONE } from '../components/qrSymbol';

export function drawnModules(svg: Element): boolean[][] {
  const [, , width] = svg.getAttribute('viewBox')!.split(' ').map(Number);
  const size = width! - 2 * QUIET_ZONE;
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  const d = svg.querySelector('path')!.getAttribute('d')!;
  for (const [, x, y] of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g))
    grid[Number(y) - QUIET_ZONE]![Number(x) - QUIET_ZONE] = true;
  return grid;
}
