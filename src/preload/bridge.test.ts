import { describe, expect, it, vi } from 'vitest';
import { buildKioskBridge, type IpcRendererPort } from './bridge';

function fakeIpc() {
  const listeners = new Map<string, Set<(e: unknown, p: unknown) => void>>();
  const ipc: IpcRendererPort & { emit(ch: string, p: unknown): void } = {
    invoke: vi.fn(async (channel: string) => ({ ok: true, value: channel })),
    on: (ch, l) => listeners.set(ch, (listeners.get(ch) ?? new Set()).add(l)),
    removeListener: (ch, l) => listeners.get(ch)?.delete(l),
    emit: (ch, p) => listeners.get(ch)?.forEach((l) => l({ sender: 'secret' }, p)),
  };
  return ipc;
}

describe('the preload bridge', () => {
  it('invokes contract channels and refuses others without reaching main', async () => {
    const ipc = fakeIpc();
    const kiosk = buildKioskBridge(ipc);
    expect(await kiosk.invoke('status:get', {})).toEqual({ ok: true, value: 'status:get' });
    await expect(kiosk.invoke('fs:read' as 'status:get', {})).rejects.toThrow(/unknown channel/);
    expect(ipc.invoke).toHaveBeenCalledTimes(1);
  });

  it('delivers push payloads without the IPC event, and unsubscribes', () => {
    const ipc = fakeIpc();
    const kiosk = buildKioskBridge(ipc);
    const seen: unknown[] = [];
    const off = kiosk.on('scan:received', (p) => seen.push(p));
    ipc.emit('scan:received', { text: 'X', symbology: 'qr-code' });
    off();
    ipc.emit('scan:received', { text: 'Y', symbology: 'qr-code' });
    expect(seen).toEqual([{ text: 'X', symbology: 'qr-code' }]);
    expect(() => kiosk.on('ipc:anything' as 'scan:received', () => {})).toThrow(/unknown event/);
  });

  it('exposes exactly invoke and on, frozen', () => {
    const kiosk = buildKioskBridge(fakeIpc());
    expect(Object.keys(kiosk).sort()).toEqual(['invoke', 'on']);
    expect(Object.isFrozen(kiosk)).toBe(true);
  });
});
