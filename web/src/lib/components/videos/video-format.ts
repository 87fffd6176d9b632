import type { VideoStatus } from '$shared/schemas/videos.js';
import { locale, t, type MessageKey } from '$lib/i18n/index.js';

/** 1.5 → "1.5" (English) or "1,5" (French): credits move in halves. */
export const credits = (n: number) => new Intl.NumberFormat(locale.current, { maximumFractionDigits: 1 }).format(n);

/** 70 → "1 min 10 s"; 45 → "45 s". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const min = Math.floor(s / 60);
  const sec = s % 60;
  if (!min) return t('videos.duration.s', { s: sec });
  return sec ? t('videos.duration.minS', { min, s: sec }) : t('videos.duration.min', { min });
}

/** A status in words, for a badge. */
export const statusLabel = (status: VideoStatus | string) => t(`videos.status.${status as VideoStatus}`);

/** The shared video schema's messages (shared/schemas/videos.ts), in our words. */
export const VIDEO_MESSAGES: Record<string, MessageKey> = {
  'Name is required': 'videos.validation.title.required',
  'Name must be at most 120 characters': 'validation.itemName.tooLong',
  'Name cannot contain control characters': 'validation.itemName.control',
  'A script is required': 'videos.validation.script.required',
  'A script is at most 5000 characters': 'videos.validation.script.tooLong',
  'A script cannot contain control characters': 'videos.validation.script.control',
  'A label is required': 'videos.validation.label.required',
  'A label is at most 60 characters': 'videos.validation.label.tooLong',
  'A caption file is at most 200 kB': 'videos.validation.vtt.tooLarge',
  'A password has at least 4 characters': 'videos.validation.password.tooShort',
  'A password has at most 200 characters': 'videos.validation.password.tooLong',
  'Use a language tag such as en, fr or pt-BR': 'videos.validation.lang',
};
