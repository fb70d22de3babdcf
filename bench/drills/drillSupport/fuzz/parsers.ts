/**
 * Every parser the fuzz drill feeds, with its share of the default run: 100,000 inputs in all,
 * split by what an input costs (a chunk of bus bytes is microseconds, a REST call or an MQTT
 * round trip through the broker is milliseconds).
 */
import type { ParserFuzz } from './parserFuzz';

type Loader = () => Promise<ParserFuzz<unknown>>;
// Each parser has its own input type; the drill only passes inputs from a parser back to it.
const entry = <T>(load: () => Promise<ParserFuzz<T>>): Loader => load as unknown as Loader;
const frames = () => import('./lockBoardFrames');
const scanner = () => import('./scannerReports');

export const PARSERS: Record<string, Loader> = {
  'kerong-cu16 replies': entry(async () =>
    (await frames()).lockBoardFuzz('kerong-cu16', 'replies', 20_250),
  ),
  'kerong-cu16 requests': entry(async () =>
    (await frames()).lockBoardFuzz('kerong-cu16', 'requests', 20_250),
  ),
  'lcb24 replies': entry(async () => (await frames()).lockBoardFuzz('lcb24', 'replies', 20_250)),
  'lcb24 requests': entry(async () => (await frames()).lockBoardFuzz('lcb24', 'requests', 20_250)),
  'hid-pos reports': entry(async () => (await scanner()).scannerFuzz('hid-pos', 7_000)),
  'boot keyboard reports': entry(async () => (await scanner()).scannerFuzz('keyboard', 6_900)),
  'kiosk config files': entry(async () =>
    (await import('./kioskConfigFiles')).kioskConfigFuzz(1_500),
  ),
  'mqtt commands': entry(async () => (await import('./mqttInbound')).mqttFuzz('commands', 600)),
  'mqtt acks': entry(async () => (await import('./mqttInbound')).mqttFuzz('acks', 1_000)),
  'ipc inputs': entry(async () => (await import('./ipcInputs')).ipcFuzz(1_000)),
  'rest bodies': entry(async () => (await import('./restBodies')).restFuzz(1_000)),
};
