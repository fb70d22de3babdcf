/** The Electron preload: `window.kiosk` is the IPC contract and nothing else. */
import { contextBridge, ipcRenderer } from 'electron';
import { buildKioskBridge } from './bridge';

contextBridge.exposeInMainWorld('kiosk', buildKioskBridge(ipcRenderer));
