// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { create } from 'qrcode/lib/core/qrcode.js';
import { afterEach, describe, expect, it } from 'vitest';
import { returnReference } from '../../shared/returnReference';
import { drawnModules } from '../testing/drawnModules';
import { readQr } from '../testing/qrReader';
import { QrCode } from './QrCode';

afterEach(cleanup);

describe('QrCode', () => {
  const reference = returnReference('0b7d3c1e-4f6a-4e55-9a21-6c8f7e2d9b10');

  it('draws, as inline SVG with an accessible name, a symbol that reads back as the reference', () => {
    render(<QrCode text={reference} label={`QR code of ${reference}`} />);
    const svg = screen.getByRole('img', { name: `QR code of ${reference}` });
    expect(svg.tagName.toLowerCase()).toBe('svg');
    const grid = drawnModules(svg);
    // Read by a reader written from the specification, not by the encoder that drew it.
    expect(readQr(grid)).toEqual({
      text: reference,
      version: 1,
      level: 'H',
      mask: expect.any(Number),
    });
    // And module for module what qrcode's encoder computed.
    const { modules } = create(reference, { errorCorrectionLevel: 'H' });
    expect(grid.flat().map(Number)).toEqual([...modules.data]);
  });

  it('leaves a quiet zone of four light modules around the symbol', () => {
    render(<QrCode text={reference} label="QR" />);
    const svg = screen.getByRole('img', { name: 'QR' });
    expect(svg.getAttribute('viewBox')).toBe('0 0 29 29');
    const d = svg.querySelector('path')!.getAttribute('d')!;
    const coordinates = [...d.matchAll(/M(\d+) (\d+)/g)].flatMap(([, x, y]) => [+x!, +y!]);
    expect(Math.min(...coordinates)).toBe(4);
    expect(Math.max(...coordinates)).toBe(24);
  });

  it('the reader refuses a symbol with one module wrong, so a reading proves a perfect symbol', () => {
    render(<QrCode text={reference} label="QR" />);
    const grid = drawnModules(screen.getByRole('img', { name: 'QR' }));
    grid[12]![12] = !grid[12]![12]; // a data module in the middle
    expect(() => readQr(grid)).toThrow(/Reed–Solomon/);
  });

  it('the reader reads numeric, alphanumeric and byte symbols of versions 1 to 4', () => {
    for (const [text, level] of [
      ['0123456789012', 'L'],
      ['R-0ABC12', 'M'],
      ['b7d3c1e0-4f6a-4e55-9a21-6c8f7e2d9b10', 'Q'],
      ['Rücksendung R-TYZGWN, Fach A5', 'H'],
    ] as const) {
      const { modules, version } = create(text, { errorCorrectionLevel: level });
      const grid = Array.from({ length: modules.size }, (_, row) =>
        Array.from({ length: modules.size }, (_, col) => Boolean(modules.get(row, col))),
      );
      expect(readQr(grid)).toMatchObject({ text, version, level });
    }
  });
});
