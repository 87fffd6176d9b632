import { accessSync, chmodSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

let ffmpeg: string | null = null;

/**
 * The ffmpeg binary that ships inside @ffmpeg-installer/<platform> (npm),
 * never one downloaded at run time. Its run bit is set here when npm skipped
 * the package's install script (setup sets it too).
 */
export function ffmpegPath(): string {
  if (ffmpeg) return ffmpeg;
  const found = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  try {
    accessSync(found, constants.X_OK);
  } catch {
    chmodSync(found, statSync(found).mode | 0o755);
  }
  ffmpeg = found;
  return found;
}

/** The font drawtext writes with: DejaVu Sans from the dejavu-fonts-ttf package (not the system's). */
export function fontPath(bold = false): string {
  const dir = path.dirname(require.resolve('dejavu-fonts-ttf/package.json'));
  return path.join(dir, 'ttf', bold ? 'DejaVuSans-Bold.ttf' : 'DejaVuSans.ttf');
}
