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
    (await frames()).lockBoardFuzz('kerong-cu16', 'replies', 17_000),
  ),
  'kerong-cu16 requests': entry(async () =>
    (await frames()).lockBoardFuzz('kerong-cu16', 'requests', 17_000),
  ),
  'lcb24 replies': entry(async () => (await frames()).lockBoardFuzz('lcb24', 'replies', 17_000)),
  'lcb24 requests': entry(async () => (await frames()).lockBoardFuzz('lcb24', 'requests', 17_000)),
  'hid-pos reports': entry(async () => (await scanner()).scannerFuzz('hid-pos', 10_000)),
  'boot keyboard reports': entry(async () => (await scanner()).scannerFuzz('keyboard', 10_000)),
  'kiosk config files': entry(async () =>
    (await import('./kioskConfigFiles')).kioskConfigFuzz(3_000),
  ),
  'mqtt commands': entry(async () => (await import('./mqttInbound')).mqttFuzz('commands', 2_000)),
  'mqtt acks': entry(async () => (await import('./mqttInbound')).mqttFuzz('acks', 2_000)),
};
