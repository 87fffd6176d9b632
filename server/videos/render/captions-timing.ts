import { TITLE_CARD_SECONDS, WORDS_PER_MINUTE, wordsOf } from '../../../shared/schemas/videos.js';

/** Silence between two cues, and after the last one before the video ends (seconds). */
export const CUE_PAUSE = 0.3;
export const END_PAD = 0.7;
/** A cue stays on screen at least this long, even when it says next to nothing ("…"). */
export const MIN_CUE_SECONDS = 0.6;

export interface TimedCue {
  text: string;
  start: number;
  end: number;
}

export interface Timeline {
  cues: TimedCue[];
  /** The whole video: the title card, the cues with their pauses, the end pad. */
  total: number;
}

/**
 * When each cue is on screen: after the title card, one after another with
 * CUE_PAUSE between them, each for `seconds[i]` (its speech's length) or,
 * without speech, for its words at WORDS_PER_MINUTE.
 */
export function timelineOf(texts: string[], seconds?: number[]): Timeline {
  let at = TITLE_CARD_SECONDS;
  const cues = texts.map((text, i) => {
    const length = Math.max(MIN_CUE_SECONDS, seconds?.[i] ?? (wordsOf(text) * 60) / WORDS_PER_MINUTE);
    const cue = { text, start: at, end: at + length };
    at = cue.end + CUE_PAUSE;
    return cue;
  });
  const last = cues[cues.length - 1];
  return { cues, total: (last ? last.end : TITLE_CARD_SECONDS) + END_PAD };
}

/** `HH:MM:SS.mmm`. */
export function vttTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/**
 * Cue text as WebVTT carries it: `&`, `<` and `>` as character references
 * (so no markup, and never a `-->` inside a cue), on one line.
 */
export const vttText = (text: string) => text.replace(/\s+/gu, ' ').trim().replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function webVtt(cues: TimedCue[]): string {
  const blocks = cues.map((c, i) => `${i + 1}\n${vttTime(c.start)} --> ${vttTime(c.end)}\n${vttText(c.text)}`);
  return `WEBVTT\n\n${blocks.join('\n\n')}\n`;
}
