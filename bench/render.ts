// The real video renderer (server/videos/render/ffmpeg-engine.ts) on a
// ~20-second script: the whole render (text-to-speech, title card, captions,
// VP9 + Opus encode, read-back) against, in the same run, the floor — ffmpeg
// encoding the same length of a plain `color` source with the same encoder
// settings, no text, no speech. Target (issue 12): a 20-second video in ≤ 10 s.
// Run: npx tsx bench/render.ts [--runs=3] [--no-record]
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { wordsOf } from '../shared/schemas/videos.js';
import { runFfmpeg } from '../server/videos/render/ffmpeg-run.js';
import { VIDEO_CODEC, renderWithFfmpeg } from '../server/videos/render/ffmpeg-engine.js';
import { FPS, HEIGHT, WIDTH } from '../server/videos/render/look.js';
import { machineFacts, recordRun } from './report.js';

const RUNS = Math.max(1, Number(process.argv.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 3));
const RECORD = !process.argv.includes('--no-record');
const TARGET_SECONDS = 10;

const SCRIPT =
  'Welcome to our quarterly update from the product team. This year we shipped three major features, fixed many bugs, and grew the team. ' +
  'Our customers love the new dashboard. Next quarter we will focus on speed and reliability. Thank you for watching, and see you soon.';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1]!;
const max = (xs: number[]) => Math.max(...xs);
const s = (x: number) => x.toFixed(2);

async function timed<T>(fn: (dir: string) => Promise<T>): Promise<{ seconds: number; result: T }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wsc-bench-render-'));
  try {
    const t0 = performance.now();
    const result = await fn(dir);
    return { seconds: (performance.now() - t0) / 1000, result };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A render, and when its speech and title card were done (progress reached 10 %, where the encoder's share starts). */
const render = () => {
  const t0 = performance.now();
  let prepared = NaN;
  return timed((dir) =>
    renderWithFfmpeg(
      {
        videoId: 'bench',
        title: 'Quarterly update',
        script: SCRIPT,
        language: 'en',
        look: { avatar: { id: 'a', name: 'Ada Lovelace', style: null, image: null }, voice: { id: 'v', name: 'Narrator', gender: 'female' }, brandKit: { id: 'b', name: 'Brand', colors: ['#1E1B4B', '#F59E0B'], logo: null } },
        images: { avatar: null, logo: null },
      },
      {
        workDir: dir,
        signal: new AbortController().signal,
        onProgress: (p) => {
          if (p >= 10 && Number.isNaN(prepared)) prepared = (performance.now() - t0) / 1000;
        },
      },
    ),
  ).then((r) => ({ ...r, prepared }));
};

const baseline = (seconds: number) =>
  timed((dir) =>
    runFfmpeg({
      cwd: dir,
      signal: new AbortController().signal,
      failure: 'baseline encode failed',
      args: ['-v', 'error', '-f', 'lavfi', '-i', `color=c=0x1E1B4B:s=${WIDTH}x${HEIGHT}:r=${FPS}:d=${seconds.toFixed(3)}`, ...VIDEO_CODEC, '-f', 'webm', 'baseline.webm'],
    }),
  );

async function main() {
  const startedAt = new Date();
  const load = os.loadavg()[0]!;
  // One render first so the WASM compile and the file cache are warm for every measured one; it gives the video's length.
  const warm = await render();
  const length = warm.result.durationSeconds;
  console.log(`[bench:render] warm-up: ${s(warm.seconds)} s for a ${s(length)} s video (${wordsOf(SCRIPT)} words, audio: ${warm.result.hasAudio})`);
  const real: number[] = [];
  const prepared: number[] = [];
  const floor: number[] = [];
  // Alternating, so a change of load on the shared machine falls on both.
  for (let i = 0; i < RUNS; i++) {
    const r = await render();
    real.push(r.seconds);
    prepared.push(r.prepared);
    const b = await baseline(length);
    floor.push(b.seconds);
    console.log(`[bench:render] run ${i + 1}: render ${s(r.seconds)} s (speech and card ${s(r.prepared)} s), baseline ${s(b.seconds)} s`);
  }
  const m = machineFacts();
  const met = max(real) <= TARGET_SECONDS;
  const section = [
    `## ${startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC — video render, a ${s(length)} s video, ${RUNS} runs`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; Node ${m.node}. Load average when it started: ${load.toFixed(2)} (the machine is shared).`,
    `Script: ${wordsOf(SCRIPT)} words, ${warm.result.captions.match(/-->/g)?.length ?? 0} cues; ${WIDTH}×${HEIGHT} at ${FPS} fps, VP9 real-time (\`-deadline realtime -cpu-used 8 -row-mt 1 -threads 2\`) + Opus. One warm-up render first (${s(warm.seconds)} s), then render and baseline alternate.`,
    '',
    '| Setup | Video s | Runs | p50 s | max s | Seconds per video second (p50) |',
    '|---|---:|---:|---:|---:|---:|',
    `| real render: espeak-ng speech, title card, ${warm.result.captions.match(/-->/g)?.length ?? 0} timed cues, captions, VP9 + Opus, read-back | ${s(length)} | ${RUNS} | ${s(median(real))} | ${s(max(real))} | ${(median(real) / length).toFixed(3)} |`,
    `| baseline: ffmpeg, plain \`color\` source, same encoder settings, no text, no audio | ${s(length)} | ${RUNS} | ${s(median(floor))} | ${s(max(floor))} | ${(median(floor) / length).toFixed(3)} |`,
    '',
    `- Where a render's time goes (p50): speech and title card (at once: a worker thread and an ffmpeg run) ${s(median(prepared))} s; the encode and reading the file back ${s(median(real.map((r, i) => r - prepared[i]!)))} s.`,
    `- Target ≤ ${TARGET_SECONDS} s for a 20-second video: ${met ? 'met' : 'NOT met'} (slowest run ${s(max(real))} s).`,
    `- The render takes ${(median(real) / median(floor)).toFixed(2)}× the baseline's time (p50): the rest is the speech and title card before the encode, the drawn text and overlays, the Opus track and reading the file back.`,
    '',
  ].join('\n');
  console.log(section);
  if (RECORD) recordRun(path.join('bench', 'RESULTS.md'), section);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
