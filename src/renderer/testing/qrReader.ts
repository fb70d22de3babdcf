/**
 * A QR reader for tests, written from the QR specification (ISO/IEC 18004) and independent of
 * the `qrcode` package that draws the receipt: it finds the symbol in pixels, reads the format
 * bits, unmasks, walks the codewords, checks every Reed–Solomon block and decodes the data.
 * Strict on purpose: it corrects nothing, so a symbol it reads is a perfect one. Versions 1–4.
 */

/** (blocks, data codewords per block) by version 1–4 and level L, M, Q, H; blocks are equal. */
const BLOCKS: Record<number, Record<Level, [number, number]>> = {
  1: { L: [1, 19], M: [1, 16], Q: [1, 13], H: [1, 9] },
  2: { L: [1, 34], M: [1, 28], Q: [1, 22], H: [1, 16] },
  3: { L: [1, 55], M: [1, 44], Q: [2, 17], H: [2, 13] },
  4: { L: [1, 80], M: [2, 32], Q: [2, 24], H: [4, 9] },
};
const TOTAL_CODEWORDS: Record<number, number> = { 1: 26, 2: 44, 3: 70, 4: 100 };
type Level = 'L' | 'M' | 'Q' | 'H';
const LEVEL_BY_BITS: Level[] = ['M', 'L', 'H', 'Q'];
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

export interface QrReading {
  text: string;
  version: number;
  level: Level;
  mask: number;
}

/** The module grid of the one symbol in a picture: `dark(x, y)` for each pixel. */
export function modulesFromPixels(
  width: number,
  height: number,
  dark: (x: number, y: number) => boolean,
): boolean[][] {
  let [minX, minY, maxX, maxY] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (dark(x, y)) {
        minX = Math.min(minX, x);
        minY = Math.min(minY, y);
        maxX = Math.max(maxX, x);
        maxY = Math.max(maxY, y);
      }
  if (maxX < 0) throw new Error('no symbol in the picture');
  // The top-left finder's top edge is a run of 7 dark modules: it gives the module's pitch.
  let run = 0;
  while (minX + run <= maxX && dark(minX + run, minY)) run++;
  const size = Math.round(((maxX - minX + 1) * 7) / run);
  const pitchX = (maxX - minX + 1) / size;
  const pitchY = (maxY - minY + 1) / size;
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, col) =>
      dark(Math.floor(minX + (col + 0.5) * pitchX), Math.floor(minY + (row + 0.5) * pitchY)),
    ),
  );
}

/** Reads a symbol's module grid (quiet zone excluded); throws on anything it cannot read. */
export function readQr(grid: boolean[][]): QrReading {
  const size = grid.length;
  const version = (size - 17) / 4;
  if (!TOTAL_CODEWORDS[version]) throw new Error(`unsupported symbol size ${size}`);
  const { level, mask } = formatOf(grid);
  const reserved = functionModules(size, version);
  const bits: number[] = [];
  // Two columns at a time from the right, up then down, skipping the timing column.
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step++)
      for (const col of [right, right - 1]) {
        const row = upward ? size - 1 - step : step;
        if (!reserved[row]![col]) bits.push(Number(grid[row]![col]! !== masked(mask, row, col)));
      }
  }
  const codewords = Array.from({ length: TOTAL_CODEWORDS[version]! }, (_, i) =>
    bits.slice(i * 8, i * 8 + 8).reduce((byte, bit) => (byte << 1) | bit, 0),
  );
  return { text: decodeData(blocksOf(codewords, version, level), version), version, level, mask };
}

function formatOf(grid: boolean[][]): { level: Level; mask: number } {
  const size = grid.length;
  const at = (row: number, col: number) => Number(grid[row]![col]!);
  let first = 0;
  let second = 0;
  for (let i = 0; i <= 5; i++) first |= at(i, 8) << i;
  first |= (at(7, 8) << 6) | (at(8, 8) << 7) | (at(8, 7) << 8);
  for (let i = 9; i < 15; i++) first |= at(8, 14 - i) << i;
  for (let i = 0; i < 8; i++) second |= at(8, size - 1 - i) << i;
  for (let i = 8; i < 15; i++) second |= at(size - 15 + i, 8) << i;
  if (first !== second) throw new Error('the two copies of the format bits differ');
  for (let data = 0; data < 32; data++)
    if (formatWord(data) === first) return { level: LEVEL_BY_BITS[data >> 3]!, mask: data & 7 };
  throw new Error('format bits are not a valid BCH code word');
}

/** The 15-bit format word: 5 data bits, 10 BCH bits, XOR 0x5412. */
function formatWord(data: number): number {
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | (rem & 0x3ff)) ^ 0x5412;
}

function masked(mask: number, row: number, col: number): boolean {
  const [x, y] = [col, row];
  switch (mask) {
    case 0:
      return (x + y) % 2 === 0;
    case 1:
      return y % 2 === 0;
    case 2:
      return x % 3 === 0;
    case 3:
      return (x + y) % 3 === 0;
    case 4:
      return (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0;
    case 5:
      return ((x * y) % 2) + ((x * y) % 3) === 0;
    case 6:
      return (((x * y) % 2) + ((x * y) % 3)) % 2 === 0;
    default:
      return (((x + y) % 2) + ((x * y) % 3)) % 2 === 0;
  }
}

/** Finders with separators and format areas, timing lines, the dark module, one alignment. */
function functionModules(size: number, version: number): boolean[][] {
  const reserved = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  const fill = (row0: number, col0: number, rows: number, cols: number) => {
    for (let r = row0; r < row0 + rows; r++)
      for (let c = col0; c < col0 + cols; c++) reserved[r]![c] = true;
  };
  fill(0, 0, 9, 9);
  fill(0, size - 8, 9, 8);
  fill(size - 8, 0, 8, 9);
  fill(6, 0, 1, size);
  fill(0, 6, size, 1);
  if (version >= 2) fill(size - 9, size - 9, 5, 5);
  return reserved;
}

/** De-interleaves the codewords and checks each block's Reed–Solomon remainder. */
function blocksOf(codewords: number[], version: number, level: Level): number[] {
  const [count, dataPerBlock] = BLOCKS[version]![level];
  const ecPerBlock = TOTAL_CODEWORDS[version]! / count - dataPerBlock;
  const data: number[] = [];
  for (let b = 0; b < count; b++) {
    const blockData = Array.from({ length: dataPerBlock }, (_, i) => codewords[i * count + b]!);
    const blockEc = Array.from(
      { length: ecPerBlock },
      (_, i) => codewords[dataPerBlock * count + i * count + b]!,
    );
    if (rsRemainder(blockData, ecPerBlock).join() !== blockEc.join())
      throw new Error(`block ${b + 1} of ${count} fails its Reed–Solomon check`);
    data.push(...blockData);
  }
  return data;
}

function gfMultiply(a: number, b: number): number {
  let product = 0;
  for (let i = 7; i >= 0; i--) {
    product = (product << 1) ^ ((product >>> 7) * 0x11d);
    product ^= ((b >>> i) & 1) * a;
  }
  return product;
}

function rsRemainder(data: number[], degree: number): number[] {
  // Generator (x - α^0)(x - α^1)…(x - α^(degree-1)), leading coefficient dropped.
  const generator = Array<number>(degree).fill(0);
  generator[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      generator[j] = gfMultiply(generator[j]!, root);
      if (j + 1 < degree) generator[j]! ^= generator[j + 1]!;
    }
    root = gfMultiply(root, 0x02);
  }
  const remainder = Array<number>(degree).fill(0);
  for (const byte of data) {
    const factor = byte ^ remainder.shift()!;
    remainder.push(0);
    generator.forEach((g, i) => (remainder[i]! ^= gfMultiply(g, factor)));
  }
  return remainder;
}

/** Numeric, alphanumeric and byte segments (count widths of versions 1–9) up to the end. */
function decodeData(data: number[], version: number): string {
  if (version > 9) throw new Error('count widths beyond version 9 are not read here');
  let at = 0;
  const take = (n: number) => {
    let value = 0;
    for (let i = 0; i < n; i++, at++)
      value = (value << 1) | ((data[at >> 3]! >> (7 - (at & 7))) & 1);
    return value;
  };
  let text = '';
  while (at + 4 <= data.length * 8) {
    const mode = take(4);
    if (mode === 0) break;
    if (mode === 1) {
      for (let left = take(10); left > 0; left -= 3) {
        const digits = Math.min(left, 3);
        text += String(take([0, 4, 7, 10][digits]!)).padStart(digits, '0');
      }
    } else if (mode === 2) {
      let left = take(9);
      for (; left >= 2; left -= 2) {
        const pair = take(11);
        text += ALPHANUMERIC[Math.floor(pair / 45)]! + ALPHANUMERIC[pair % 45]!;
      }
      if (left === 1) text += ALPHANUMERIC[take(6)]!;
    } else if (mode === 4) {
      const bytes = Uint8Array.from({ length: take(8) }, () => take(8));
      text += new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } else throw new Error(`mode ${mode} is not read here`);
  }
  return text;
}
