/**
 * The web shell's WebSocket frames: a request by id, its response, and push events. The same
 * contract as Electron's IPC, carried as JSON text frames.
 */
import { z } from 'zod';

export const requestFrameSchema = z.strictObject({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  channel: z.string().min(1).max(64),
  input: z.unknown(),
});
export type RequestFrame = z.infer<typeof requestFrameSchema>;

export interface ResponseFrame {
  type: 'response';
  id: number;
  result: { ok: true; value: unknown } | { ok: false; error: { reason: string } };
}

export interface PushFrame {
  type: 'push';
  event: string;
  payload: unknown;
}

export const serverFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('response'),
    id: z.number().int(),
    result: z.union([
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({ ok: z.literal(false), error: z.object({ reason: z.string() }).loose() }),
    ]),
  }),
  z.object({ type: z.literal('push'), event: z.string(), payload: z.unknown() }),
]);

/** The web shell's WebSocket path; the token rides in the query string. */
export const WS_PATH = '/ipc';
