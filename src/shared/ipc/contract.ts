/**
 * The one IPC contract of the kiosk: every channel (`domain:verb`) with its zod input schema,
 * its value and its error reasons, and the push events main sends. Electron's ipcMain, the
 * preload, the web shell and the renderer are all typed from this table.
 *
 * Adding a method: add a row here, a handler in src/main/ipc/handlers.ts (the type check
 * fails until it exists), and call it from the renderer with `api.invoke('domain:verb', …)`.
 */
import {
  CHANNEL_NAMES,
  isChannel,
  isPushEvent,
  PUSH_EVENTS,
  type ChannelName,
  type PushEventName,
} from './names';
import { z } from 'zod';
import { BADGE_TOKEN_MAX_LENGTH } from '../badge';
import { SIZES } from '../domain';
import type { Result } from '../result';
import { illFormedTextAt } from '../wellFormedText';
import type {
  BadgeRejection,
  CollectionError,
  Collectable,
  CommonError,
  DepositError,
  DepositStarted,
  Diagnostics,
  KioskEvents,
  KioskStatus,
  LockerLayout,
  PickupError,
  PickupOpened,
  RecentEvent,
  ReturnError,
  ReturnOpened,
  SessionInfo,
  StaffCompartment,
  StaffError,
  VisitDeposit,
} from './types';

/** Who may call a channel: anyone at the screen, or a logged-in courier or staff member. */
export type Access = 'public' | 'courier' | 'staff';

interface ChannelSpec<I extends z.ZodType, V, E extends { reason: string }> {
  input: I;
  access: Access;
  /** Phantom: carries the value and error types; never read at run time. */
  types?: { value: V; error: E };
}

const channel =
  <V, E extends { reason: string } = never>() =>
  <I extends z.ZodType>(access: Access, input: I): ChannelSpec<I, V, E> => ({ input, access });

const none = z.strictObject({});
const compartmentId = z.string().regex(/^[A-Z][0-9]{1,2}$/);
const code = z.strictObject({ code: z.string().min(1).max(128), method: z.enum(['code', 'qr']) });
const operation = z.strictObject({ operationId: z.number().int().positive() });
const staffReason = z.string().min(1).max(200);

export const kioskContract = {
  'session:badge': channel<SessionInfo, { reason: BadgeRejection }>()(
    'public',
    z.strictObject({ token: z.string().min(1).max(BADGE_TOKEN_MAX_LENGTH) }),
  ),
  'session:get': channel<SessionInfo | null>()('public', none),
  'session:touch': channel<SessionInfo | null>()('public', none),
  'session:logout': channel<null>()('public', none),

  'status:get': channel<KioskStatus>()('public', none),
  'locker:layout': channel<LockerLayout>()('public', none),

  'pickup:code': channel<PickupOpened, PickupError>()('public', code),
  /**
   * How long code entry is still refused after too many wrong codes (0: not throttled), and how
   * many wrong codes it still takes before it makes anyone wait.
   */
  'pickup:throttle': channel<{ retryAfterMs: number; attemptsLeft: number }>()('public', none),

  /** One reopen of the same door, then a fault; the parcel id proves the pickup is the caller's. */
  'pickup:doorDidNotOpen': channel<PickupOpened, PickupError>()(
    'public',
    z.strictObject({
      operationId: z.number().int().positive(),
      parcelId: z.string().min(1).max(128),
    }),
  ),

  'return:code': channel<ReturnOpened, ReturnError>()('public', code),
  // The return's id proves the operation is the caller's own (only its screen was told it).
  'return:doesntFit': channel<ReturnOpened, ReturnError>()(
    'public',
    z.strictObject({
      operationId: z.number().int().positive(),
      returnId: z.string().min(1).max(128),
    }),
  ),

  /** One reopen of the same door; shut again, another door (the return's id proves it theirs). */
  'return:doorDidNotOpen': channel<ReturnOpened, ReturnError>()(
    'public',
    z.strictObject({
      operationId: z.number().int().positive(),
      returnId: z.string().min(1).max(128),
    }),
  ),

  'deposit:start': channel<DepositStarted, DepositError>()(
    'courier',
    z.strictObject({ barcode: z.string().min(1).max(128), size: z.enum(SIZES).optional() }),
  ),
  'deposit:doesntFit': channel<DepositStarted, DepositError>()('courier', operation),
  'deposit:doorDidNotOpen': channel<DepositStarted, DepositError>()('courier', operation),
  'deposit:cancel': channel<{ cancelled: boolean }>()('courier', operation),
  'deposit:list': channel<VisitDeposit[]>()('courier', none),

  'collection:list': channel<Collectable[]>()('courier', none),
  'collection:open': channel<Collectable, CollectionError>()(
    'courier',
    z.strictObject({ compartmentId }),
  ),
  'collection:scanOut': channel<Collectable, CollectionError>()(
    'courier',
    z.strictObject({ barcode: z.string().min(1).max(128) }),
  ),

  'staff:compartments': channel<StaffCompartment[]>()('staff', none),
  'staff:openDoor': channel<null, StaffError>()(
    'staff',
    z.strictObject({ compartmentId, reason: staffReason }),
  ),
  'staff:setService': channel<null, StaffError>()(
    'staff',
    z.strictObject({ compartmentId, inService: z.boolean(), reason: staffReason }),
  ),
  'staff:openAllExpired': channel<{ opened: string[]; failed: string[] }, StaffError>()(
    'staff',
    none,
  ),
  'staff:recentEvents': channel<RecentEvent[]>()(
    'staff',
    z.strictObject({ limit: z.number().int().min(1).max(200).optional() }),
  ),
  'staff:diagnostics': channel<Diagnostics>()('staff', none),
} as const;

export type KioskContract = typeof kioskContract;
export type Channel = keyof KioskContract;
export const CHANNELS: readonly Channel[] = CHANNEL_NAMES;

type Spec<C extends Channel> =
  KioskContract[C] extends ChannelSpec<infer I, infer V, infer E>
    ? { input: I; value: V; error: E }
    : never;

/** What the caller passes (before validation: what the schema accepts). */
export type InputOf<C extends Channel> = z.input<Spec<C>['input']>;
/** What the handler receives (after validation). */
export type ParsedInputOf<C extends Channel> = z.output<Spec<C>['input']>;
export type ValueOf<C extends Channel> = Spec<C>['value'];
export type ErrorOf<C extends Channel> = Spec<C>['error'] | CommonError;
export type ResultOf<C extends Channel> = Result<ValueOf<C>, ErrorOf<C>>;

export type PushEvent = keyof KioskEvents;
export type PushPayload<E extends PushEvent> = KioskEvents[E];
// The name lists in names.ts (all the preload carries) match this table exactly, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _channelsListed: Same<Channel, ChannelName> = true;
const _eventsListed: Same<PushEvent, PushEventName> = true;
void _channelsListed;
void _eventsListed;

export { isChannel, isPushEvent, PUSH_EVENTS };

/** The API the screens use, whichever shell hosts them (Electron preload or web shell). */
export interface KioskApi {
  invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<ResultOf<C>>;
  /** Subscribes to a push event; returns the unsubscribe function. */
  on<E extends PushEvent>(event: E, listener: (payload: PushPayload<E>) => void): () => void;
}

/** Validates a channel's input; the problems name each bad field. */
export function parseInput<C extends Channel>(
  channel: C,
  input: unknown,
): Result<ParsedInputOf<C>, { reason: 'invalid_input'; problems: string[] }> {
  const parsed = kioskContract[channel].input.safeParse(input ?? {});
  if (parsed.success) {
    // Text no signed event can carry is refused here, before a service writes it.
    const bad = illFormedTextAt(parsed.data);
    if (bad === undefined) return { ok: true, value: parsed.data as ParsedInputOf<C> };
    const where = bad.length > 0 ? bad.join('.') : 'input';
    return {
      ok: false,
      error: {
        reason: 'invalid_input',
        problems: [`${where}: text with a lone surrogate is not valid Unicode`],
      },
    };
  }
  return {
    ok: false,
    error: {
      reason: 'invalid_input',
      problems: parsed.error.issues.map(
        (i) => `${i.path.length > 0 ? i.path.join('.') : 'input'}: ${i.message}`,
      ),
    },
  };
}
