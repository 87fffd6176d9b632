import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TITLE_CARD_SECONDS } from '../../../shared/schemas/videos.js';
import { timelineOf, webVtt, type Timeline } from './captions-timing.js';
import { drawLine, writeLines } from './drawtext.js';
import { RenderError, type RenderEngine, type RenderSpec } from './engine.js';
import { abortError, probeDuration, runFfmpeg } from './ffmpeg-run.js';
import { FPS, HEIGHT, WIDTH, paletteOf, type Palette } from './look.js';
import { progressReporter } from './progress.js';
import { cuesOf, wrapLines } from './script-text.js';
import { CORNER, titleCard, type CardFiles } from './title-card.js';
import { espeakSynthesize, voiceFor, wavFile, type Speech, type Synthesize } from './tts.js';

/** The script's text on screen: lines of about CUE_WIDTH characters, centred on CUE_CENTER. */
const CUE = { size: 46, width: 40, lines: 4, step: 62, center: 410 };

/**
 * VP9 in real-time mode with every speed setting on (row threads, 2 threads,
 * a keyframe every 2 s so seeking stays quick), Opus at 48 kHz mono: a
 * 20-second video encodes in a few seconds on 2 cores, and Chromium plays it.
 */
export const VIDEO_CODEC = ['-c:v', 'libvpx-vp9', '-pix_fmt', 'yuv420p', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-threads', '2', '-tile-columns', '1', '-b:v', '900k', '-g', String(FPS * 2)];
const AUDIO_CODEC = ['-c:a', 'libopus', '-b:a', '64k', '-ar', '48000', '-ac', '1'];

/** The speech as one WAV: silence for the title card and between cues, each cue's clip at its start. */
function speechTrack(speech: Speech, timeline: Timeline): Buffer {
  const rate = speech.sampleRate;
  const samples = new Int16Array(Math.round(timeline.total * rate));
  timeline.cues.forEach((cue, i) => samples.set(speech.clips[i]!.subarray(0, samples.length - Math.round(cue.start * rate)), Math.round(cue.start * rate)));
  return wavFile(samples, rate);
}

/** The encode's filter graph: the card for the title's seconds, then the corner marks and each cue's lines while it is spoken. */
async function mainGraph(dir: string, timeline: Timeline, palette: Palette, card: CardFiles): Promise<string> {
  const chains = [
    `color=c=${palette.background}:s=${WIDTH}x${HEIGHT}:r=${FPS}:d=${timeline.total.toFixed(3)}[bg]`,
    '[0:v]format=yuv420p[card]',
    `[bg][card]overlay=0:0:enable='lt(t,${TITLE_CARD_SECONDS})'[s0]`,
    `[s0][1:v]overlay=${CORNER}:${CORNER}:enable='gte(t,${TITLE_CARD_SECONDS})'[s1]`,
  ];
  let last = '[s1]';
  if (card.logo) chains.push(`${last}[2:v]overlay=W-w-${CORNER}:${CORNER}:enable='gte(t,${TITLE_CARD_SECONDS})'[s2]`), (last = '[s2]');
  const lines: string[] = [];
  for (const [i, cue] of timeline.cues.entries()) {
    const wrapped = wrapLines(cue.text, CUE.width, CUE.lines);
    const files = await writeLines(dir, `cue${i}`, wrapped);
    const top = CUE.center + 16 - ((wrapped.length - 1) * CUE.step) / 2;
    files.forEach((file, j) => lines.push(drawLine(file, { size: CUE.size, color: palette.text, baseline: Math.round(top + j * CUE.step), during: [cue.start, cue.end] })));
  }
  const bar = `drawbox=x=0:y=${HEIGHT - 10}:w=${WIDTH}:h=10:color=${palette.accent}:t=fill:enable='gte(t,${TITLE_CARD_SECONDS})'`;
  chains.push(`${last}${[...lines, bar, 'format=yuv420p'].join(',')}[v]`);
  return chains.join(';\n');
}

export interface FfmpegEngineOptions {
  /** The text-to-speech engine (espeak-ng in a worker by default); when it fails, the video is silent. */
  synthesize?: Synthesize;
  /** Called with the encoder's pid when it starts (tests check it is gone after an abort). */
  onEncoderSpawn?: (pid: number) => void;
}

/**
 * The real renderer: the title card (drawn while the script is spoken),
 * then one ffmpeg run that encodes card, corner marks, the script's cues
 * timed to the speech, and the speech, to WebM (VP9 + Opus). Captions come
 * from the same timing. Every text is read by ffmpeg from a file.
 */
export function createFfmpegEngine({ synthesize = espeakSynthesize, onEncoderSpawn }: FfmpegEngineOptions = {}): RenderEngine {
  return async (spec: RenderSpec, { workDir, signal, onProgress, logger }) => {
    if (signal.aborted) throw abortError(signal);
    const warn = (obj: object, msg: string) => logger?.warn(obj, msg);
    const progress = progressReporter(onProgress);
    const texts = cuesOf(spec.script);
    if (!texts.length) throw new RenderError('The script has nothing to say');
    const palette = paletteOf(spec.look);

    // Speech and card at once (the worker thread and ffmpeg each take a core); one failing stops the other.
    const both = new AbortController();
    const stop = () => both.abort(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    let speech: Speech | null;
    let card: CardFiles;
    try {
      const speechPhase = progress.phase(0, 10);
      [speech, card] = await Promise.all([
        synthesize(texts, voiceFor(spec.language, spec.look.voice?.gender), both.signal, (done) => speechPhase(done / texts.length)).catch((err: unknown) => {
          if (both.signal.aborted) throw err;
          warn({ err, videoId: spec.videoId }, 'render: text-to-speech failed; the video will be silent');
          return null;
        }),
        titleCard(workDir, spec, palette, both.signal, warn).catch((err: unknown) => {
          both.abort(err);
          throw err;
        }),
      ]);
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      if (err instanceof RenderError) warn({ detail: err.detail, videoId: spec.videoId }, `render: ${err.message}`);
      throw err;
    } finally {
      signal.removeEventListener('abort', stop);
    }

    const timeline = timelineOf(texts, speech ? speech.clips.map((c) => c.length / speech!.sampleRate) : undefined);
    if (speech) await writeFile(path.join(workDir, 'speech.wav'), speechTrack(speech, timeline));
    await writeFile(path.join(workDir, 'main.ffgraph'), await mainGraph(workDir, timeline, palette, card), 'utf8');

    const inputs = ['-f', 'png_pipe', '-i', card.card, '-f', 'png_pipe', '-i', card.mark];
    if (card.logo) inputs.push('-f', 'png_pipe', '-i', card.logo);
    const audioInput = inputs.length / 4;
    if (speech) inputs.push('-f', 'wav', '-i', 'speech.wav');
    const video = 'video.webm';
    const encodePhase = progress.phase(10, 99);
    // The encoder reports about every half second: say at once that it started.
    encodePhase(0);
    try {
      await runFfmpeg({
        cwd: workDir,
        signal,
        failure: 'The video could not be encoded',
        onSpawn: onEncoderSpawn,
        onTime: (seconds) => encodePhase(seconds / timeline.total),
        args: [
          '-v', 'error', '-progress', 'pipe:1', '-nostats',
          ...inputs,
          '-filter_complex_script', 'main.ffgraph',
          '-map', '[v]', ...(speech ? ['-map', `${audioInput}:a`, ...AUDIO_CODEC] : []),
          ...VIDEO_CODEC,
          '-t', timeline.total.toFixed(3), '-f', 'webm', video,
        ],
      });
    } catch (err) {
      if (err instanceof RenderError) warn({ detail: err.detail, videoId: spec.videoId }, `render: ${err.message}`);
      throw err;
    }
    const durationSeconds = Math.round((await probeDuration(workDir, video, signal)) * 100) / 100;
    progress.done();
    return {
      video: path.join(workDir, video),
      poster: path.join(workDir, card.poster),
      contentType: 'video/webm',
      durationSeconds,
      captions: webVtt(timeline.cues),
      hasAudio: speech !== null,
    };
  };
}

export const renderWithFfmpeg: RenderEngine = createFfmpegEngine();
