import type { VideoLook } from '../video.model.js';

/** The frame every render draws on (16:9, 720p) and its rate: low enough to encode fast, enough for text and a still. */
export const WIDTH = 1280;
export const HEIGHT = 720;
export const FPS = 24;

/** Colours as ffmpeg takes them (`0xRRGGBB`): only ever built from six hex digits, so they are safe in a filter graph. */
export interface Palette {
  background: string;
  accent: string;
  /** Text on the background, and text on the accent (initials): white or near-black, whichever reads. */
  text: string;
  onAccent: string;
}

const DEFAULT_BACKGROUND = '1E1B4B';
const DEFAULT_ACCENT = '6366F1';

/** `#4F46E5` / `4f46e5` / `#abc` → `4F46E5`; anything else → null. */
export function hexOf(color: string | undefined): string | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color?.trim() ?? '');
  if (!m) return null;
  const h = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return h.toUpperCase();
}

/** Relative luminance (WCAG) of `RRGGBB`. */
function luminance(hex: string): number {
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

const readableOn = (hex: string) => (luminance(hex) > 0.4 ? '111827' : 'FFFFFF');

/** The brand kit's first colour is the background, its second the accent; the console's defaults stand in for what is missing. */
export function paletteOf(look: VideoLook): Palette {
  const colors = (look.brandKit?.colors ?? []).map(hexOf).filter((c): c is string => c !== null);
  const background = colors[0] ?? DEFAULT_BACKGROUND;
  const accent = colors[1] ?? (colors[0] ? readableOn(background) : DEFAULT_ACCENT);
  return { background: `0x${background}`, accent: `0x${accent}`, text: `0x${readableOn(background)}`, onAccent: `0x${readableOn(accent)}` };
}

/** The `0xRRGGBB` colour as the three decimal components geq takes. */
export const rgbOf = (color: string) => [1, 3, 5].map((i) => parseInt(color.slice(i + 1, i + 3), 16)) as [number, number, number];

/**
 * A value inside a filter graph: escaped for the filter's option parser
 * (`\ ' :`), then for the graph's parser (`\ ' [ ] , ;`). Only paths go
 * through here — user text never enters a graph, it is read from files.
 */
export function filterValue(value: string): string {
  const option = value.replace(/[\\':]/g, '\\$&');
  return option.replace(/[\\'[\],;]/g, '\\$&');
}

/** The image formats a picture or logo may be, by its first bytes; null for anything else (never handed to ffmpeg's probing). */
export function imageFormatOf(bytes: Buffer | null): 'png_pipe' | 'jpeg_pipe' | 'webp_pipe' | null {
  if (!bytes || bytes.length < 12) return null;
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png_pipe';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg_pipe';
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp_pipe';
  return null;
}
