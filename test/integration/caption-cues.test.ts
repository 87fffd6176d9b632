import { describe, expect, it } from 'vitest';
import { cueAtLine, cueProblem, formatTime, lineOf, parseTime, toVtt, type CueDraft } from '../../web/src/lib/videos/cues.js';

const cue = (start: string, end: string, text: string, key = 1): CueDraft => ({ key, start, end, text });

describe('the caption editor’s cues (web/src/lib/videos/cues.ts)', () => {
  it('reads and writes WebVTT times', () => {
    expect(formatTime(75.5)).toBe('00:01:15.500');
    expect(formatTime(3725.004)).toBe('01:02:05.004');
    expect(parseTime('00:01:15.500')).toBe(75.5);
    expect(parseTime('1:15.5')).toBe(75.5);
    expect(parseTime('75,25')).toBe(75.25);
    expect(parseTime('01:02:05.004')).toBeCloseTo(3725.004, 6);
    for (const bad of ['', 'abc', '1:75', '00:00:61.000', '1.2.3', '-1']) expect(parseTime(bad), bad).toBeNull();
  });

  it('names what is wrong with a cue', () => {
    expect(cueProblem(cue('x', '00:00:01.000', 'Hi'))).toBe('start');
    expect(cueProblem(cue('0', 'y', 'Hi'))).toBe('end');
    expect(cueProblem(cue('00:00:02.000', '00:00:01.000', 'Hi'))).toBe('order');
    expect(cueProblem(cue('0', '1', '  '))).toBe('text');
    expect(cueProblem(cue('0', '1', 'Hi'))).toBeNull();
  });

  it('writes a track whose cue text cannot end a cue or pass for a timing line, and finds the cue of a line', () => {
    const cues = [cue('0', '1.5', 'Hello\n\n\nthere', 1), cue('1.5', '3', 'a --> b', 2), cue('3', '4', 'End', 3)];
    const vtt = toVtt(cues);
    expect(vtt).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello\nthere\n\n00:00:01.500 --> 00:00:03.000\na → b\n\n00:00:03.000 --> 00:00:04.000\nEnd\n');
    expect(vtt.split('\n')[7 - 1]).toBe('00:00:01.500 --> 00:00:03.000');
    // Each cue owns its timing line, its text and the blank line after it.
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((l) => cueAtLine(cues, l))).toEqual([null, null, 0, 0, 0, 0, 1, 1, 1, 2, 2]);
    expect(lineOf('Line 7: Cue identifier needs to be followed by timestamp')).toBe(7);
    expect(lineOf('bad cue', { line: 4 })).toBe(4);
    expect(lineOf('no line here')).toBeNull();
  });
});
