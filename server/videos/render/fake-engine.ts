import { execFile } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { estimateSeconds } from '../../../shared/schemas/videos.js';
import { ffmpegPath } from './binaries.js';
import { RenderError, type RenderEngine } from './engine.js';

const run = promisify(execFile);

/** How long a fake render takes, in ms (`RENDER_FAKE_MS`, read each time so a test can change it). */
const fakeMs = () => Number(process.env.RENDER_FAKE_MS ?? 600);

let clip: Promise<{ video: string; poster: string }> | null = null;

/** A 1-second 160×90 WebM and its poster, made once per process. */
function tinyClip() {
  clip ??= (async () => {
    const dir = path.join(tmpdir(), `wsc-fake-clip-${process.pid}`);
    await mkdir(dir, { recursive: true });
    const video = path.join(dir, 'clip.webm');
    const poster = path.join(dir, 'poster.jpg');
    const ff = ffmpegPath();
    await run(ff, ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x4f46e5:size=160x90:rate=10:duration=1', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono', '-t', '1', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus', '-shortest', '-y', video]);
    await run(ff, ['-v', 'error', '-i', video, '-frames:v', '1', '-y', poster]);
    return { video, poster };
  })();
  return clip;
}

const stamp = (s: number) => `${new Date(s * 1000).toISOString().slice(11, 23)}`;

/**
 * For tests and machines without CPU to spare: paced progress over
 * RENDER_FAKE_MS, a tiny prepared clip, and the length the script's
 * estimate gives (so charges are predictable). A script containing
 * `[[fail]]` fails the render, as a broken encoder would.
 */
export const fakeEngine: RenderEngine = async (spec, { workDir, signal, onProgress }) => {
  const { video, poster } = await tinyClip();
  const steps = 10;
  for (let i = 1; i <= steps; i++) {
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
      const timer = setTimeout(resolve, fakeMs() / steps);
      signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason ?? new DOMException('aborted', 'AbortError'))), { once: true });
    });
    if (i === steps / 2 && spec.script.includes('[[fail]]')) throw new RenderError('The encoder stopped halfway through this video');
    onProgress(Math.round((i / steps) * 100));
  }
  const out = { video: path.join(workDir, 'video.webm'), poster: path.join(workDir, 'poster.jpg') };
  await copyFile(video, out.video);
  await copyFile(poster, out.poster);
  const durationSeconds = estimateSeconds(spec.script);
  return {
    ...out,
    contentType: 'video/webm',
    durationSeconds,
    captions: `WEBVTT\n\n${stamp(0)} --> ${stamp(durationSeconds)}\n${spec.script.replace(/\[\[fail\]\]/g, '').replace(/-->/g, '→').replace(/\n{2,}/g, '\n').trim()}\n`,
    hasAudio: false,
  };
};
