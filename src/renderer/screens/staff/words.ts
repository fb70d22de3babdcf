/**
 * Staff see event types and reasons in words: each type and each reason code the locker writes
 * has a sentence in every language; a reason someone typed is shown as typed.
 */
import type { TFunction } from 'i18next';

const CODE = /^[a-z][a-z_]*$/;

export const reasonInWords = (reason: string, t: TFunction): string =>
  CODE.test(reason) ? t(`reason.${reason}`, { defaultValue: reason }) : reason;

export const eventInWords = (type: string, t: TFunction): string =>
  /^[a-z_]+\.[a-z_]+$/.test(type) ? t(`eventType.${type}`, { defaultValue: type }) : type;
