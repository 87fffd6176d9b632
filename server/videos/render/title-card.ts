import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RenderSpec } from './engine.js';
import { drawLine, writeLines } from './drawtext.js';
import { runFfmpeg } from './ffmpeg-run.js';
import { HEIGHT, WIDTH, imageFormatOf, rgbOf, type Palette } from './look.js';
import { initialsOf, wrapLines } from './script-text.js';

/** What the card step leaves in the render's directory (plain names; `logo` only when the brand kit has a usable one). */
export interface CardFiles {
  card: string;
  poster: string;
  /** The presenter's mark, small, for the corner while the script is spoken. */
  mark: string;
  logo: string | null;
}

const MARK = 256;
const SMALL_MARK = 96;
const TITLE = { size: 56, width: 32, lines: 3, firstBaseline: 460, step: 70 };
const LOGO_BOX = { w: 220, h: 72 };
/** Margin of the corner marks (logo, small mark), here and in the encode. */
export const CORNER = 32;

/** The pixel is inside the circle of diameter MARK (the expression geq evaluates). */
const INSIDE = `lte(hypot(X-${MARK / 2 - 0.5},Y-${MARK / 2 - 0.5}),${MARK / 2})`;

/** geq that paints a flat colour inside the circle and leaves the rest transparent. */
const disc = (color: string) => {
  const [r, g, b] = rgbOf(color);
  return `geq=r=${r}:g=${g}:b=${b}:a='if(${INSIDE},255,0)'`;
};

/**
 * The presenter's mark as a filter chain ending in `[mark]` (RGBA, MARK×MARK):
 * the avatar's picture cut to a circle in an accent ring; else the avatar
 * name's initials on an accent disc; with no avatar, a neutral figure.
 */
async function markChain(dir: string, spec: RenderSpec, palette: Palette, picture: string | null): Promise<string> {
  const source = `color=c=${palette.accent}:s=${MARK}x${MARK}:r=1:d=1,format=rgba`;
  if (picture) {
    const [r, g, b] = rgbOf(palette.accent);
    const ring = `gt(hypot(X-${MARK / 2 - 0.5},Y-${MARK / 2 - 0.5}),${MARK / 2 - 8})`;
    return (
      `${picture}scale=${MARK}:${MARK}:force_original_aspect_ratio=increase,crop=${MARK}:${MARK},format=rgba,` +
      `geq=r='if(${ring},${r},r(X,Y))':g='if(${ring},${g},g(X,Y))':b='if(${ring},${b},b(X,Y))':a='if(${INSIDE},255,0)'[mark]`
    );
  }
  const initials = spec.look.avatar ? initialsOf(spec.look.avatar.name) : '';
  if (initials) {
    const [file] = await writeLines(dir, 'initials', [initials]);
    return `${source},${disc(palette.accent)},${drawLine(file!, { size: 104, color: palette.onAccent, bold: true, baseline: MARK / 2 + 38 })}[mark]`;
  }
  // A head and shoulders in the accent's text colour, inside the disc.
  const [fr, fg, fb] = rgbOf(palette.onAccent);
  const [ar, ag, ab] = rgbOf(palette.accent);
  const figure = `lte(hypot(X-128,Y-100),46)+lte(hypot((X-128)/88,(Y-236)/70),1)`;
  const pick = (f: number, a: number) => `'if(${figure},${f},${a})'`;
  return `${source},geq=r=${pick(fr, ar)}:g=${pick(fg, ag)}:b=${pick(fb, ab)}:a='if(${INSIDE},255,0)'[mark]`;
}

interface Pictures {
  avatar: Buffer | null;
  logo: Buffer | null;
}

async function renderCard(dir: string, spec: RenderSpec, palette: Palette, pictures: Pictures, signal: AbortSignal): Promise<CardFiles> {
  const inputs: string[] = [];
  const input = async (name: string, bytes: Buffer | null) => {
    const format = imageFormatOf(bytes);
    if (!format) return null;
    await writeFile(path.join(dir, name), bytes!);
    // The demuxer is named, so ffmpeg never guesses what the bytes are (a playlist or a concat list would read other files).
    inputs.push('-f', format, '-i', name);
    return `[${inputs.length / 4 - 1}:v]`;
  };
  const picture = await input('avatar.img', pictures.avatar);
  const logo = await input('logo.img', pictures.logo);
  const title = await writeLines(dir, 'title', wrapLines(spec.title, TITLE.width, TITLE.lines));
  const titleTop = TITLE.firstBaseline - (title.length > 2 ? TITLE.step / 2 : 0);
  const lastBaseline = titleTop + (title.length - 1) * TITLE.step;

  const markTop = titleTop - TITLE.size - 36 - MARK;
  const cardChain = [
    ...title.map((file, i) => drawLine(file, { size: TITLE.size, color: palette.text, bold: true, baseline: titleTop + i * TITLE.step })),
    `drawbox=x=${WIDTH / 2 - 60}:y=${lastBaseline + 34}:w=120:h=6:color=${palette.accent}:t=fill`,
    'format=rgb24',
    'split=2',
  ].join(',');
  // One chain per line: `[in]filter,filter[out]`.
  const script = [
    await markChain(dir, spec, palette, picture),
    '[mark]split=2[mark1][mark2]',
    `[mark2]scale=${SMALL_MARK}:${SMALL_MARK}[small]`,
    `color=c=${palette.background}:s=${WIDTH}x${HEIGHT}:r=1:d=1,format=rgba[bg]`,
    `[bg][mark1]overlay=x=(W-w)/2:y=${markTop}:format=rgb[c0]`,
    // The logo sits in the top right corner of the card too (the poster is the first frame), and has its own file for the encode.
    ...(logo
      ? [
          `${logo}scale=w=${LOGO_BOX.w}:h=${LOGO_BOX.h}:force_original_aspect_ratio=decrease,format=rgba,split=2[logo][logo2]`,
          `[c0][logo2]overlay=x=W-w-${CORNER}:y=${CORNER}:format=rgb[c1]`,
        ]
      : ['[c0]null[c1]']),
    `[c1]${cardChain}[card][still]`,
  ].join(';\n');
  await writeFile(path.join(dir, 'card.ffgraph'), script, 'utf8');
  const files: CardFiles = { card: 'card.png', poster: 'poster.jpg', mark: 'mark.png', logo: logo ? 'logo.png' : null };
  await runFfmpeg({
    cwd: dir,
    signal,
    failure: 'The title card could not be drawn',
    args: [
      '-v', 'error', ...inputs, '-filter_complex_script', 'card.ffgraph',
      '-map', '[card]', '-frames:v', '1', files.card,
      '-map', '[still]', '-frames:v', '1', '-q:v', '3', files.poster,
      '-map', '[small]', '-frames:v', '1', files.mark,
      ...(logo ? ['-map', '[logo]', '-frames:v', '1', files.logo!] : []),
    ],
  });
  return files;
}

/**
 * The title card (a full frame: background, the presenter's mark, the
 * title, an accent bar), the poster (that card as JPEG), the small mark and
 * the logo for the corner. A picture ffmpeg cannot read (damaged, or not
 * really an image) does not fail the video: the card is drawn again without
 * the pictures, and `warn` says why.
 */
export async function titleCard(dir: string, spec: RenderSpec, palette: Palette, signal: AbortSignal, warn: (obj: object, msg: string) => void): Promise<CardFiles> {
  for (const [which, bytes] of Object.entries(spec.images)) {
    if (bytes && !imageFormatOf(bytes)) warn({ videoId: spec.videoId, bytes: bytes.length }, `render: the ${which} is not a PNG, JPEG or WebP image; drawing the video without it`);
  }
  try {
    return await renderCard(dir, spec, palette, spec.images, signal);
  } catch (err) {
    if (signal.aborted || (!imageFormatOf(spec.images.avatar) && !imageFormatOf(spec.images.logo))) throw err;
    warn({ err, videoId: spec.videoId }, 'render: the avatar picture or logo could not be read; drawing the title card without them');
    return renderCard(dir, spec, palette, { avatar: null, logo: null }, signal);
  }
}
