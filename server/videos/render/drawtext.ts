import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fontPath } from './binaries.js';
import { filterValue } from './look.js';

/** Names of the files ffmpeg reads in a render's directory: plain names, so nothing in them needs a filter graph's escaping. */
const SAFE_NAME = /^[a-z0-9][a-z0-9._-]*$/;

export function safeName(name: string): string {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe file name in a filter graph: ${name}`);
  return name;
}

/** Writes each line to `<prefix>-<i>.txt` in `dir` (UTF-8, as drawtext reads it) and returns the names. */
export async function writeLines(dir: string, prefix: string, lines: string[]): Promise<string[]> {
  return Promise.all(
    lines.map(async (line, i) => {
      const name = safeName(`${prefix}-${i}.txt`);
      await writeFile(path.join(dir, name), line, 'utf8');
      return name;
    }),
  );
}

export interface LineStyle {
  size: number;
  color: string;
  bold?: boolean;
  /** Where the line sits: its baseline, in pixels from the top (so lines with and without tall letters line up). */
  baseline: number;
  /** `[start, end]` seconds while it shows; always when absent. */
  during?: [number, number];
}

/**
 * One centred line of text, read from `file` (never inline in the graph) with
 * `expansion=none` so `%{…}` and `\` in it are drawn as they are.
 */
export function drawLine(file: string, style: LineStyle): string {
  const opts = [
    `fontfile=${filterValue(fontPath(style.bold))}`,
    `textfile=${filterValue(safeName(file))}`,
    'expansion=none',
    `fontsize=${style.size}`,
    `fontcolor=${style.color}`,
    'x=(w-text_w)/2',
    `y=${style.baseline}-ascent`,
  ];
  if (style.during) opts.push(`enable='between(t,${style.during[0].toFixed(3)},${style.during[1].toFixed(3)})'`);
  return `drawtext=${opts.join(':')}`;
}
