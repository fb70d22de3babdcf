/**
 * The reasons staff give most, offered as buttons: a touch-only kiosk has no keyboard. They are
 * sent as these codes (readable in the audit log and on the dashboard) and shown in words; any
 * other reason is typed on the on-screen keyboard.
 */
export const REASON_PRESETS = [
  'customer_help',
  'door_stuck',
  'cleaning',
  'inspection',
  'repair_done',
  'item_removed',
] as const;

export const isPreset = (reason: string): boolean =>
  (REASON_PRESETS as readonly string[]).includes(reason);

/** A typed reason must say something: at least this many characters. */
export const MIN_REASON_LENGTH = 3;

export const reasonIsEnough = (reason: string): boolean =>
  reason.trim().length >= MIN_REASON_LENGTH;
