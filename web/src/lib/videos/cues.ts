/*
 * Cues as the caption editor holds them, and the WebVTT it sends. Times are
 * typed as `mm:ss.mmm` or `hh:mm:ss.mmm`; the server checks the whole file
 * again with a real WebVTT parser and names the line of a bad cue.
 */

export interface CueDraft {
  /** Stable while editing (rows are keyed by it). */
  key: number;
  start: string;
  end: string;
  text: string;
}

let nextKey = 1;
export const newKey = () => nextKey++;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** 75.5 → "00:01:15.500" (WebVTT's own notation). */
export function formatTime(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** "1:15.5", "00:01:15.500" or "75.5" → 75.5; null when it is not a time. */
export function parseTime(text: string): number | null {
  const m = /^\s*(?:(?:(\d+):)?([0-5]?\d):)?(\d+(?:[.,]\d{1,3})?)\s*$/.exec(text);
  if (!m) return null;
  const [, h, min, sec] = m;
  const s = Number(sec!.replace(',', '.'));
  if ((h !== undefined || min !== undefined) && s >= 60) return null;
  return Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + s;
}

/** What is wrong with one cue, or null: a time that cannot be read, an end not after its start, no text. */
export function cueProblem(cue: CueDraft): 'start' | 'end' | 'order' | 'text' | null {
  const start = parseTime(cue.start);
  const end = parseTime(cue.end);
  if (start === null) return 'start';
  if (end === null) return 'end';
  if (end <= start) return 'order';
  if (!cue.text.trim()) return 'text';
  return null;
}

/** Cue text never carries a blank line (it would end the cue) nor an arrow (it would read as timing). */
const cleanText = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\n\s*\n+/g, '\n').replace(/-->/g, '→').trim();

/** The track as WebVTT, cues in the order shown. */
export function toVtt(cues: CueDraft[]): string {
  const blocks = cues.map((c) => `${formatTime(parseTime(c.start) ?? 0)} --> ${formatTime(parseTime(c.end) ?? 0)}\n${cleanText(c.text)}`);
  return `WEBVTT\n\n${blocks.join('\n\n')}\n`;
}

/** Which cue (index) holds line `line` (1-based) of `toVtt(cues)`; null for the header. */
export function cueAtLine(cues: CueDraft[], line: number): number | null {
  let at = 3;
  for (let i = 0; i < cues.length; i++) {
    const lines = 1 + cleanText(cues[i]!.text).split('\n').length;
    if (line >= at && line < at + lines + 1) return i;
    at += lines + 1;
  }
  return null;
}

/** The line a server message names ("Line 7: …", "line 7", or `details.line`). */
export function lineOf(message: string, details?: unknown): number | null {
  const fromDetails = (details as { line?: unknown } | undefined)?.line;
  if (typeof fromDetails === 'number') return fromDetails;
  const m = /\bline (\d+)/i.exec(message);
  return m ? Number(m[1]) : null;
}
