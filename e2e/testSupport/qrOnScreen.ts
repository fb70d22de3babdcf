/**
 * Reads a QR code off the screen as a camera would: a screenshot of the element (Chromium's own
 * rendering of the SVG), its pixels read on a blank page, the symbol found and decoded by the
 * spec-written test reader, not by the `qrcode` package that drew it.
 */
import type { Locator } from '@playwright/test';
import { modulesFromPixels, readQr, type QrReading } from '../../src/renderer/testing/qrReader';

/** What the blank page's code uses of the DOM (the Node-side type check has no DOM types). */
interface PageDom {
  Image: new () => { src: string; width: number; height: number; decode(): Promise<void> };
  document: {
    createElement(tag: 'canvas'): {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        drawImage(image: unknown, x: number, y: number): void;
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      } | null;
    };
  };
}

export async function readQrOnScreen(element: Locator): Promise<QrReading> {
  const png = (await element.screenshot()).toString('base64');
  // A blank page of its own: the kiosk's CSP (rightly) allows no data: images.
  const blank = await element.page().context().newPage();
  try {
    const { width, height, dark } = await blank.evaluate(async (src) => {
      const { Image, document } = globalThis as unknown as PageDom;
      const image = new Image();
      image.src = `data:image/png;base64,${src}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [image.width, image.height];
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const dark: number[] = [];
      for (let i = 0; i < data.length; i += 4)
        dark.push(Number(0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]! < 128));
      return { width: image.width, height: image.height, dark };
    }, png);
    return readQr(modulesFromPixels(width, height, (x, y) => dark[y * width + x] === 1));
  } finally {
    await blank.close();
  }
}
