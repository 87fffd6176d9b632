import { spawn } from 'node:child_process';
import { ffmpegPath } from './binaries.js';
import { RenderError } from './engine.js';
import { progressParser } from './progress.js';

/** How much of ffmpeg's stderr is kept for the log when it fails. */
const STDERR_TAIL = 4_000;

export interface FfmpegRun {
  /** Run in this directory: every file ffmpeg reads or writes is named relative to it. */
  cwd: string;
  args: string[];
  signal: AbortSignal;
  /** What failing means to a person (the RenderError's message). */
  failure: string;
  /** With `-progress pipe:1` in args: the encoded time, in seconds. */
  onTime?: (seconds: number) => void;
  /** The child's pid once spawned (tests check it is gone after an abort). */
  onSpawn?: (pid: number) => void;
}

export const abortError = (signal: AbortSignal) =>
  signal.reason instanceof Error && signal.reason.name === 'AbortError' ? signal.reason : new DOMException('The render was stopped', 'AbortError');

/**
 * Runs ffmpeg with an argument array (never a shell). Resolves with its
 * stderr when it exits with 0; an abort kills it (SIGKILL) and rejects with
 * an AbortError once it has exited; any other exit rejects with a
 * RenderError carrying `failure`, and ffmpeg's stderr tail only as `detail`.
 */
export function runFfmpeg({ cwd, args, signal, failure, onTime, onSpawn }: FfmpegRun): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const child = spawn(ffmpegPath(), ['-hide_banner', '-nostdin', '-y', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) onSpawn?.(child.pid);
    let stderr = '';
    const parse = onTime ? progressParser(onTime) : null;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => parse?.(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    const kill = () => child.kill('SIGKILL');
    signal.addEventListener('abort', kill, { once: true });
    child.on('error', (err) => {
      signal.removeEventListener('abort', kill);
      reject(new RenderError('The video encoder could not be started on this server', err.message));
    });
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', kill);
      if (signal.aborted) return reject(abortError(signal));
      if (code === 0) return resolve(stderr);
      reject(new RenderError(failure, `ffmpeg exited with ${code ?? sig}: ${stderr.trim()}`));
    });
  });
}

/** The length of a media file, in seconds, from ffmpeg's own reading of it (`Duration:` of `ffmpeg -i`). */
export async function probeDuration(cwd: string, file: string, signal: AbortSignal): Promise<number> {
  // `ffmpeg -i` alone exits with 1 ("At least one output file must be specified"): decode nothing to the null muxer instead.
  const stderr = await runFfmpeg({ cwd, args: ['-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-'], signal, failure: 'The finished video could not be read back' });
  const m = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(stderr);
  if (!m) throw new RenderError('The finished video could not be read back', stderr.slice(-500));
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}
