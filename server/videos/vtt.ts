import { createRequire } from 'node:module';
import type * as WebVTT from 'webvtt-parser';
import { MAX_VTT_BYTES } from '../../shared/schemas/videos.js';
import { AppError } from '../http/errors.js';

// A CommonJS package whose named exports Node's ESM loader cannot see (`npm start` failed on a named import): loaded with require.
const { WebVTTParser } = createRequire(import.meta.url)('webvtt-parser') as typeof WebVTT;

/**
 * Caption files: parsed and validated with a real WebVTT parser
 * (`webvtt-parser`), their cue text sanitised, and written back as a clean
 * WebVTT file (signature, then each cue's identifier, timing line as given
 * and text; NOTE and STYLE blocks are dropped — a STYLE block could fetch
 * from elsewhere).
 *
 * Rules (what is refused, each with its line):
 * - everything the parser reports: no `WEBVTT` signature, a malformed
 *   timestamp, an end not after its start, a cue starting before the one
 *   before it (cues must be in order of their start);
 * - a cue without text.
 * Overlapping cues (one starting before the previous ends) are allowed, as
 * WebVTT allows them: two people speaking at once.
 */

export interface Cue {
  start: number;
  end: number;
  text: string;
}

export interface CaptionIssue {
  path: 'vtt';
  line: number;
  message: string;
}

/** WebVTT's own cue-text tags (classes on any, an annotation on v and lang) and timestamp tags; every other `<` is escaped. */
const ALLOWED_TAG = /<(?:\/(?:b|i|u|c|v|lang|ruby|rt)>|(?:b|i|u|c|ruby|rt)(?:\.[^\s.<>&]+)*>|(?:v|lang)(?:\.[^\s.<>&]+)*(?:[ \t][^<>\n]*)?>|(?:\d{2,}:)?\d{2}:\d{2}\.\d{3}>)/y;

/** Cue text as it is kept: WebVTT tags stay, any other markup becomes text (`<script>` shows as `<script>`). */
export function sanitizeCueText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '<') {
      out += ch;
      continue;
    }
    ALLOWED_TAG.lastIndex = i;
    const m = ALLOWED_TAG.exec(text);
    if (m) {
      out += m[0];
      i += m[0].length - 1;
    } else out += '&lt;';
  }
  return out;
}

/** SRT → WebVTT, line for line after a two-line signature (so a refusal's line is the SRT's line + 2, told back as the SRT's). */
export function srtToVtt(srt: string): string {
  const lines = normalize(srt).split('\n');
  const converted = lines.map((line) => {
    if (line.includes('-->')) return line.replace(/(\d{1,2}:\d{2}:\d{2}),(\d{3})/g, '$1.$2');
    // SRT's <font …> has no WebVTT meaning: dropped, the text kept.
    return line.replace(/<\/?font\b[^>]*>/gi, '');
  });
  return ['WEBVTT', '', ...converted].join('\n');
}

const normalize = (s: string) => s.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');

const refused = (issues: CaptionIssue[]) => {
  const shown = issues.slice(0, 20);
  return new AppError('validation_failed', `The caption file is not valid WebVTT: line ${shown[0]!.line}: ${shown[0]!.message}`, shown);
};

/**
 * Validates a caption file and returns it clean, with its cues; a malformed
 * one is a 400 `validation_failed` whose details name each line and reason.
 */
export function parseCaptions(input: string, format: 'vtt' | 'srt' = 'vtt'): { vtt: string; cues: Cue[] } {
  const source = format === 'srt' ? srtToVtt(input) : normalize(input);
  const shift = format === 'srt' ? 2 : 0;
  const lineOf = (line: number) => Math.max(1, line - shift);
  if (new TextEncoder().encode(source).length > MAX_VTT_BYTES) {
    throw new AppError('validation_failed', `A caption file is at most ${MAX_VTT_BYTES / 1000} kB`, [{ path: 'vtt', message: `A caption file is at most ${MAX_VTT_BYTES / 1000} kB` }]);
  }
  const { cues, errors } = new WebVTTParser().parse(source, 'metadata');
  const issues: CaptionIssue[] = errors.map((e) => ({ path: 'vtt', line: lineOf(e.line), message: e.message }));
  if (issues.length) throw refused(issues);

  // With no error, the parser's cues are the file's timing lines in order (a `-->` anywhere else is an error above).
  const lines = source.split('\n');
  const timingLines = lines.map((l, i) => (l.includes('-->') ? i : -1)).filter((i) => i >= 0);
  const empty = cues.flatMap((c, i) => (c.text.trim() === '' ? [{ path: 'vtt' as const, line: lineOf((timingLines[i] ?? 0) + 1), message: 'A cue needs some text.' }] : []));
  if (empty.length) throw refused(empty);

  const clean = cues.map((c, i) => ({ id: c.id, timing: lines[timingLines[i]!]!.trim(), cue: { start: c.startTime, end: c.endTime, text: sanitizeCueText(c.text) } }));
  const blocks = clean.map(({ id, timing, cue }) => [...(id && !id.includes('-->') ? [id] : []), timing, cue.text].join('\n'));
  return { vtt: ['WEBVTT', '', ...blocks.map((b) => `${b}\n`)].join('\n'), cues: clean.map((c) => c.cue) };
}

/** The cues of a stored (already clean) track. */
export function cuesOf(vtt: string): Cue[] {
  return new WebVTTParser().parse(vtt, 'metadata').cues.map((c) => ({ start: c.startTime, end: c.endTime, text: c.text }));
}
