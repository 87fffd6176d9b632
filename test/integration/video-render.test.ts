import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TITLE_CARD_SECONDS, WORDS_PER_MINUTE, creditsFor, wordsOf } from '../../shared/schemas/videos.js';
import { ffmpegPath } from '../../server/videos/render/binaries.js';
import { launchBrowser } from '../support/browser.js';
import { contentTeam } from '../support/content.js';
import { waitForVideo } from '../support/render-jobs.js';
import { startTestServer } from '../support/server.js';
import { captionUrlOf } from '../../server/videos/video-urls.js';
import { RenderError, type RenderOptions, type RenderResult, type RenderSpec } from '../../server/videos/render/engine.js';
import { createFfmpegEngine, renderWithFfmpeg } from '../../server/videos/render/ffmpeg-engine.js';
import { cuesOf, wrapLines } from '../../server/videos/render/script-text.js';
import { espeakSynthesize, parseWav, splitAtGaps } from '../../server/videos/render/tts.js';

/**
 * The real renderer, for real: ffmpeg from npm, espeak-ng (WASM) speaking,
 * files checked with ffmpeg's own reading of them and a WebVTT parser.
 * The engine is a function of a spec and a directory, tested without a
 * server; one render goes through the console too (submit → job → stored files).
 */

const run = promisify(execFile);
const require = createRequire(import.meta.url);
interface VttCue {
  startTime: number;
  endTime: number;
  text: string;
  tree: { children: Array<{ type: string; value?: string }> };
}
const { WebVTTParser } = require('webvtt-parser') as { WebVTTParser: new (entities?: object) => { parse(vtt: string, kind: string): { cues: VttCue[]; errors: unknown[] } } };
const entities = require('webvtt-parser/html-entities.json') as object;

let root: string;
/** The English render, played in Chromium by a later test. */
let english: Rendered | null = null;
let avatarPng: Buffer;
let logoWebp: Buffer;
let logoJpeg: Buffer;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'wsc-render-test-'));
  const ff = ffmpegPath();
  const still = async (name: string, source: string, extra: string[] = []) => {
    await run(ff, ['-v', 'error', '-f', 'lavfi', '-i', source, '-frames:v', '1', ...extra, '-y', path.join(root, name)]);
    return readFile(path.join(root, name));
  };
  avatarPng = await still('avatar.png', 'testsrc=size=320x240:rate=1');
  logoWebp = await still('logo.webp', 'color=c=0xF59E0B:size=300x100:rate=1', ['-c:v', 'libwebp']);
  logoJpeg = await still('logo.jpg', 'color=c=0x10B981:size=200x200:rate=1');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const look = (over: Partial<RenderSpec['look']> = {}): RenderSpec['look'] => ({
  avatar: { id: 'a1', name: 'Ada Lovelace', style: null, image: null },
  voice: { id: 'v1', name: 'Narrator', gender: 'female' },
  brandKit: { id: 'b1', name: 'Brand', colors: ['#0F766E', '#F59E0B'], logo: 'logo' },
  ...over,
});

const spec = (over: Partial<RenderSpec>): RenderSpec => ({
  videoId: 'vid1',
  title: 'Quarterly update',
  script: 'Hello and welcome.',
  language: 'en',
  look: look(),
  images: { avatar: null, logo: null },
  ...over,
});

/** A fresh directory per render, its name with characters a filter graph would need escaped. */
let dirs = 0;
async function workDir() {
  const dir = path.join(root, `render ${++dirs}, it's [x]; a:b`);
  await mkdir(dir);
  return dir;
}

interface Rendered extends RenderResult {
  dir: string;
  progress: number[];
  warnings: string[];
}

async function render(s: RenderSpec, engine = renderWithFfmpeg, opts: Partial<RenderOptions> = {}): Promise<Rendered> {
  const dir = await workDir();
  const progress: number[] = [];
  const warnings: string[] = [];
  const result = await engine(s, {
    workDir: dir,
    signal: new AbortController().signal,
    onProgress: (p) => progress.push(p),
    logger: { warn: (_obj, msg) => warnings.push(msg) },
    ...opts,
  });
  return { ...result, dir, progress, warnings };
}

/** ffmpeg's own description of a file (`ffmpeg -i` prints it on stderr, then exits 1 for want of an output). */
async function describeFile(file: string) {
  const out = await run(ffmpegPath(), ['-hide_banner', '-i', file]).catch((err: { stderr: string }) => ({ stderr: err.stderr }));
  const m = /Duration: (\d+):(\d\d):(\d\d\.\d+)/.exec(out.stderr);
  return {
    text: out.stderr,
    duration: m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : NaN,
    video: /Stream #0:\d+.*: Video: (\w+)/.exec(out.stderr)?.[1] ?? null,
    audio: /Stream #0:\d+.*: Audio: (\w+)/.exec(out.stderr)?.[1] ?? null,
  };
}

const cueText = (c: VttCue) => c.tree.children.map((n) => n.value ?? '').join('');

function parseVtt(vtt: string) {
  const tree = new WebVTTParser(entities).parse(vtt, 'metadata');
  expect(tree.errors).toEqual([]);
  return tree.cues;
}

/** The words of the script, in order, are the words of the cues, in order; cues follow each other after the title card. */
function expectCuesCoverScript(cues: VttCue[], script: string, total: number) {
  expect(cues.length).toBeGreaterThan(0);
  expect(cues[0]!.startTime).toBeCloseTo(TITLE_CARD_SECONDS, 3);
  for (const [i, cue] of cues.entries()) {
    expect(cue.endTime).toBeGreaterThan(cue.startTime);
    if (i > 0) expect(cue.startTime).toBeGreaterThanOrEqual(cues[i - 1]!.endTime);
  }
  expect(cues[cues.length - 1]!.endTime).toBeLessThanOrEqual(total);
  expect(cues.flatMap((c) => cueText(c).split(/\s+/).filter(Boolean))).toEqual(script.split(/\s+/).filter(Boolean));
}

/** The speech track is timed as the captions say: silent through the title card and between cues, speaking within each cue. */
async function expectSpeechTimedAsCaptions(r: Rendered, cues: VttCue[]) {
  const { sampleRate, samples } = parseWav(await readFile(path.join(r.dir, 'speech.wav')));
  const loudest = (from: number, to: number) => samples.subarray(Math.round(from * sampleRate), Math.round(to * sampleRate)).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(samples.length / sampleRate).toBeCloseTo(r.durationSeconds, 1);
  // (Quiet: below 200 of 32767, where the clips' silence is trimmed; 1 ms for the captions' rounding.)
  expect(loudest(0, TITLE_CARD_SECONDS)).toBe(0);
  for (const [i, cue] of cues.entries()) {
    expect(loudest(cue.startTime, cue.endTime)).toBeGreaterThan(3000);
    const next = cues[i + 1]?.startTime ?? r.durationSeconds;
    expect(loudest(cue.endTime + 0.001, next - 0.001)).toBeLessThan(200);
  }
}

/** `minProgress`: how many progress reports at least (ffmpeg 4.1 reports about every half second, so a short silent encode may report once before 100). */
async function expectWebm(r: Rendered, audio: boolean, minProgress = 3) {
  const bytes = await readFile(r.video);
  expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
  const info = await describeFile(r.video);
  expect(info.video).toBe('vp9');
  expect(info.text).toContain('1280x720');
  expect(info.audio).toBe(audio ? 'opus' : null);
  expect(Math.abs(info.duration - r.durationSeconds)).toBeLessThanOrEqual(1);
  const poster = await readFile(r.poster);
  expect([...poster.subarray(0, 2)]).toEqual([0xff, 0xd8]);
  expect(r.contentType).toBe('video/webm');
  expect(r.progress.length).toBeGreaterThanOrEqual(minProgress);
  for (let i = 1; i < r.progress.length; i++) expect(r.progress[i]).toBeGreaterThan(r.progress[i - 1]!);
  expect(r.progress[r.progress.length - 1]).toBe(100);
}

describe('the real renderer', () => {
  it('renders an English script with the avatar picture, brand colours and a WebP logo: VP9 + Opus, timed captions, a poster', async () => {
    const script = 'Hello and welcome to the team. We ship on Fridays, and we test everything!';
    const r = await render(spec({ script, images: { avatar: avatarPng, logo: logoWebp } }));
    expect(r.hasAudio).toBe(true);
    expect(r.warnings).toEqual([]);
    await expectWebm(r, true);
    const cues = parseVtt(r.captions);
    expect(cues.map(cueText)).toEqual(['Hello and welcome to the team.', 'We ship on Fridays, and we test everything!']);
    expectCuesCoverScript(cues, script, r.durationSeconds);
    // Spoken at about WORDS_PER_MINUTE: the speech is within a factor of two of the estimate.
    const spoken = cues.reduce((s, c) => s + c.endTime - c.startTime, 0);
    const estimate = (wordsOf(script) * 60) / WORDS_PER_MINUTE;
    expect(spoken).toBeGreaterThan(estimate / 2);
    expect(spoken).toBeLessThan(estimate * 2);
    await expectSpeechTimedAsCaptions(r, cues);
    english = r;
    // The brand's logo was read (normalised for the corner), the avatar's picture cut to the mark.
    expect(await readdir(r.dir)).toEqual(expect.arrayContaining(['logo.png', 'mark.png', 'card.png']));
  });

  it('plays in Chromium: the video advances, its picture is 1280×720, its sound is decoded, its captions load as a track', async () => {
    expect(english).not.toBeNull();
    const r = english!;
    const files: Record<string, { type: string; body: Buffer | string }> = {
      '/video.webm': { type: 'video/webm', body: await readFile(r.video) },
      '/captions.vtt': { type: 'text/vtt', body: r.captions },
      '/': { type: 'text/html', body: '<!doctype html><video id="v" muted src="/video.webm"><track default kind="captions" srclang="en" src="/captions.vtt"></video>' },
    };
    const server = http.createServer((req, res) => {
      const file = files[req.url ?? ''];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file.type }).end(file.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const seen = await page.evaluate(async () => {
        const v = document.getElementById('v') as HTMLVideoElement & { webkitAudioDecodedByteCount: number };
        await v.play();
        const deadline = Date.now() + 10_000;
        while (v.currentTime < 2.5 && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 50));
        const track = v.textTracks[0]!;
        return { currentTime: v.currentTime, width: v.videoWidth, height: v.videoHeight, duration: v.duration, audioBytes: v.webkitAudioDecodedByteCount, cues: track.cues?.length ?? 0, error: v.error?.message ?? null };
      });
      expect(seen.error).toBeNull();
      expect(seen.currentTime).toBeGreaterThanOrEqual(2.5);
      expect([seen.width, seen.height]).toEqual([1280, 720]);
      expect(Math.abs(seen.duration - r.durationSeconds)).toBeLessThanOrEqual(0.5);
      expect(seen.audioBytes).toBeGreaterThan(0);
      expect(seen.cues).toBe(2);
    } finally {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('renders a French script with a French voice, initials for an avatar without a picture, and a JPEG logo', async () => {
    const script = "Bonjour à tous. Voici la présentation de l'équipe, préparée avec soin.";
    const r = await render(spec({ title: 'Présentation', script, language: 'fr', look: look({ voice: null }), images: { avatar: null, logo: logoJpeg } }));
    expect(r.hasAudio).toBe(true);
    await expectWebm(r, true);
    const cues = parseVtt(r.captions);
    expect(cues.map(cueText)).toEqual(['Bonjour à tous.', "Voici la présentation de l'équipe, préparée avec soin."]);
    expectCuesCoverScript(cues, script, r.durationSeconds);
    await expectSpeechTimedAsCaptions(r, cues);
    expect(await readFile(path.join(r.dir, 'initials-0.txt'), 'utf8')).toBe('AL');
  });

  it('draws hostile text as text: a title with quote, colon, %{pts} and backslash, a script with markup; nothing of either enters a filter graph', async () => {
    const title = "It's 10:30 %{pts} \\N C:\\temp [x];";
    const script = '<script>alert(1)</script> Fish & chips --> done. <b>Bold</b> -->';
    const r = await render(spec({ title, script, look: look({ avatar: null, brandKit: null }) }));
    await expectWebm(r, true);
    // The text files hold the text exactly as given; the graphs name the files and never contain the text.
    const titleFiles = (await readdir(r.dir)).filter((f) => f.startsWith('title-')).sort();
    expect(titleFiles).toEqual(['title-0.txt', 'title-1.txt']);
    expect((await Promise.all(titleFiles.map((f) => readFile(path.join(r.dir, f), 'utf8')))).join(' ')).toBe(title);
    for (const graph of ['card.ffgraph', 'main.ffgraph']) {
      const text = await readFile(path.join(r.dir, graph), 'utf8');
      for (const bit of ['%{pts}', 'temp', 'alert', 'chips', '<b>']) expect(text).not.toContain(bit);
      expect(text.match(/drawtext=[^,;]*?expansion=none/g)?.length).toBe(text.match(/drawtext=/g)?.length);
    }
    // Captions: escaped in the file, the same text once parsed; no arrow but the timings'.
    expect(r.captions).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Fish &amp; chips --&gt; done.');
    expect(r.captions).not.toContain('<');
    expect(r.captions.match(/-->/g)?.length).toBe(r.captions.match(/^\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}$/gm)?.length);
    const cues = parseVtt(r.captions);
    expect(cues.map(cueText)).toEqual(['<script>alert(1)</script> Fish & chips --> done.', '<b>Bold</b> -->']);
    expectCuesCoverScript(cues, script, r.durationSeconds);
  });

  it('renders a silent video timed at the words-per-minute pace when text-to-speech fails, and says so in the log', async () => {
    const engine = createFfmpegEngine({ synthesize: () => Promise.reject(new Error('no voice here')) });
    const script = 'One two three four five. Six seven eight nine ten.';
    // A playlist posing as the avatar's picture is never handed to ffmpeg; a PNG that is not one fails the card once.
    const playlist = Buffer.from('#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n');
    const r = await render(spec({ script, images: { avatar: playlist, logo: Buffer.from('\x89PNG\r\n\x1a\nnot really a png at all', 'latin1') } }), engine);
    expect(r.hasAudio).toBe(false);
    await expectWebm(r, false, 2);
    const cues = parseVtt(r.captions);
    expectCuesCoverScript(cues, script, r.durationSeconds);
    // Five words at WORDS_PER_MINUTE each.
    expect(cues.map((c) => Math.round((c.endTime - c.startTime) * 1000))).toEqual([2000, 2000]);
    // The damaged logo cost the logo, not the video.
    expect(r.warnings.sort()).toEqual([
      'render: text-to-speech failed; the video will be silent',
      'render: the avatar is not a PNG, JPEG or WebP image; drawing the video without it',
      'render: the avatar picture or logo could not be read; drawing the title card without them',
    ]);
    const files = await readdir(r.dir);
    expect(files).not.toContain('logo.png');
    expect(files).not.toContain('avatar.img');
    expect(await readFile(path.join(r.dir, 'initials-0.txt'), 'utf8')).toBe('AL');
  });

  it('stops at once when aborted mid-encode: rejects with an AbortError and leaves no ffmpeg running', async () => {
    let pid = 0;
    const engine = createFfmpegEngine({ onEncoderSpawn: (p) => (pid = p) });
    const controller = new AbortController();
    const script = Array.from({ length: 12 }, (_, i) => `This is sentence number ${i + 1} of a longer script.`).join(' ');
    let abortedAt = 0;
    const rendering = engine(spec({ script }), {
      workDir: await workDir(),
      signal: controller.signal,
      onProgress: (p) => {
        if (p > 10 && !abortedAt) (abortedAt = performance.now()), controller.abort(new DOMException('cancelled', 'AbortError'));
      },
    });
    const err = await rendering.catch((e: unknown) => e);
    const took = performance.now() - abortedAt;
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('AbortError');
    expect(abortedAt).toBeGreaterThan(0);
    expect(took).toBeLessThan(3000);
    expect(pid).toBeGreaterThan(0);
    // The encoder is gone (the engine waits for its exit before rejecting).
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('stops while the script is being spoken, before any encoder starts', async () => {
    let pid = 0;
    let speaking = false;
    const controller = new AbortController();
    const engine = createFfmpegEngine({
      onEncoderSpawn: (p) => (pid = p),
      synthesize: (texts, voice, signal, onClip) => {
        const speech = espeakSynthesize(texts, voice, signal, onClip);
        speaking = true;
        setTimeout(() => controller.abort(), 20);
        return speech;
      },
    });
    const script = Array.from({ length: 20 }, (_, i) => `Sentence ${i + 1} is here.`).join(' ');
    const started = performance.now();
    const err = await engine(spec({ script }), { workDir: await workDir(), signal: controller.signal, onProgress: () => {} }).catch((e: unknown) => e);
    expect(speaking).toBe(true);
    expect((err as Error).name).toBe('AbortError');
    expect(performance.now() - started).toBeLessThan(3000);
    expect(pid).toBe(0);
  });

  it('cuts a script into sentences, and a long sentence at its commas or between words, keeping every word', () => {
    expect(cuesOf('It costs 3.5 euros.\tReally?  Yes!\nA line without an end mark\nNext')).toEqual(['It costs 3.5 euros.', 'Really?', 'Yes!', 'A line without an end mark', 'Next']);
    const long = 'one two three four five six seven eight, nine ten eleven twelve thirteen fourteen fifteen sixteen, seventeen eighteen.';
    expect(cuesOf(long, 9)).toEqual(['one two three four five six seven eight,', 'nine ten eleven twelve thirteen fourteen fifteen sixteen,', 'seventeen eighteen.']);
    // Phrases are merged while they fit.
    expect(cuesOf(long, 10)).toEqual(['one two three four five six seven eight,', 'nine ten eleven twelve thirteen fourteen fifteen sixteen, seventeen eighteen.']);
    const words = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    expect(cuesOf(words, 14).map((c) => c.split(' ').length)).toEqual([10, 10, 10]);
    expect(wrapLines('a very long title that will not fit on one line at all', 20, 2)).toEqual(['a very long title', 'that will not fit o…']);
  });

  it('finds each text in one run of speech by the long pauses between them, or says it cannot', () => {
    const rate = 1000;
    const tone = (seconds: number) => Int16Array.from({ length: seconds * rate }, (_, i) => (i % 2 ? 3000 : -3000));
    const quiet = (seconds: number) => new Int16Array(seconds * rate);
    const join = (...parts: Int16Array[]) => {
      const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
      return out;
    };
    // Speech with its own short pauses (0.3 s), and two 2-second breaks between three texts.
    const all = join(quiet(0.1), tone(1), quiet(0.3), tone(0.5), quiet(2), tone(2), quiet(2), tone(1), quiet(0.2));
    const pieces = splitAtGaps(all, rate, 3);
    expect(pieces?.map((p) => p.filter((v) => v !== 0).length)).toEqual([1500, 2000, 1000]);
    // Each piece keeps half of the silence after it (the next starts there).
    expect(pieces?.map((p) => p.length)).toEqual([100 + 1800 + 1000, 1000 + 2000 + 1000, 1000 + 1000 + 200]);
    expect(splitAtGaps(all, rate, 4)).toBeNull();
    expect(splitAtGaps(all, rate, 2)).toBeNull();
  });

  it('fails with a RenderError a person understands when the encoder fails, the encoder’s words kept for the log', async () => {
    const dir = await workDir();
    // A directory where the video file should go: ffmpeg cannot write it.
    await mkdir(path.join(dir, 'video.webm'));
    const warnings: Array<{ msg: string; detail?: string }> = [];
    const err = await renderWithFfmpeg(spec({}), {
      workDir: dir,
      signal: new AbortController().signal,
      onProgress: () => {},
      logger: { warn: (obj, msg) => warnings.push({ msg, detail: (obj as { detail?: string }).detail }) },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderError);
    expect((err as RenderError).message).toBe('The video could not be encoded');
    expect((err as RenderError).detail).toMatch(/ffmpeg exited with 1: .*video\.webm/s);
    expect(warnings).toEqual([{ msg: 'render: The video could not be encoded', detail: (err as RenderError).detail }]);
  });
});

describe('a real render through the console (RENDER_ENGINE=ffmpeg)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ env: { DEFAULT_SEATS: '100', RENDER_ENGINE: 'ffmpeg', RENDER_POLL_MS: '200' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('submits a French video with a brand kit and a female voice; the job stores a WebM with speech, its poster and French captions, and charges its real length', async () => {
    const t = await contentTeam(server);
    const client = t.owner.client;
    const asset = async (kind: string, name: string, data: object) => {
      const res = await client.post(`/api/workspaces/${t.ws}/assets`, { kind, name, data });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const brandKitId = await asset('brand_kit', 'Maison', { colors: ['#FDF2F8', '#BE185D'] });
    const voiceId = await asset('voice', 'Claire', { language: 'fr', gender: 'female' });
    const avatarId = await asset('avatar', 'Claire Dupont', {});
    const script = 'Bonjour et bienvenue. Voici notre nouvelle offre, disponible dès aujourd’hui.';
    const res = await client.post(`/api/workspaces/${t.ws}/videos`, { title: 'Nouvelle offre', script, brandKitId, voiceId, avatarId, language: 'fr' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const id = res.body.id as string;
    const done = await waitForVideo(server.ctx, id, ['completed', 'failed'], 40_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');

    const page = (await client.get(`/api/workspaces/${t.ws}/videos/${id}`)).body;
    expect(page).toMatchObject({ status: 'completed', progress: 100, language: 'fr', creditsCharged: creditsFor(page.durationSeconds) });
    const get = (url: string) => fetch(server.url + url, { headers: { cookie: client.cookie } });
    const file = await get(page.fileUrl);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('video/webm');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
    const local = path.join(root, `${id}.webm`);
    await writeFile(local, bytes);
    const info = await describeFile(local);
    expect([info.video, info.audio]).toEqual(['vp9', 'opus']);
    expect(Math.abs(info.duration - page.durationSeconds)).toBeLessThanOrEqual(1);
    const poster = Buffer.from(await (await get(page.posterUrl)).arrayBuffer());
    expect([...poster.subarray(0, 2)]).toEqual([0xff, 0xd8]);

    const captions = await get(captionUrlOf(t.ws, id, 'fr'));
    expect(captions.status).toBe(200);
    const cues = parseVtt(await captions.text());
    expect(cues.map(cueText)).toEqual(['Bonjour et bienvenue.', 'Voici notre nouvelle offre, disponible dès aujourd’hui.']);
    expectCuesCoverScript(cues, script, page.durationSeconds);
  });
});
