import { Worker } from 'node:worker_threads';
import { WORDS_PER_MINUTE, type VideoLanguage } from '../../../shared/schemas/videos.js';
import { abortError } from './ffmpeg-run.js';

/** One spoken clip per text: mono 16-bit samples, silence trimmed at both ends. */
export interface Speech {
  sampleRate: number;
  clips: Int16Array[];
}

/** Speaks each text (in order); calls `onClip` as each is done; rejects with an AbortError when `signal` aborts. */
export type Synthesize = (texts: string[], voice: string, signal: AbortSignal, onClip: (done: number) => void) => Promise<Speech>;

/** The espeak-ng voice for a language, with a female variant for a female voice (the default voices are male). */
export function voiceFor(language: VideoLanguage, gender: string | null | undefined): string {
  const base = language === 'fr' ? 'fr-fr' : 'en-us';
  return gender === 'female' ? `${base}+f3` : base;
}

/** The samples of a PCM WAV (16-bit; a stereo file keeps its first channel). */
export function parseWav(bytes: Uint8Array): { sampleRate: number; samples: Int16Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a WAV file');
  let sampleRate = 0;
  let channels = 1;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (view.getUint16(body, true) !== 1 || view.getUint16(body + 14, true) !== 16) throw new Error('not 16-bit PCM');
      channels = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
    } else if (id === 'data') {
      // A streamed WAV may give a size past the end: what is there is what counts.
      const end = Math.min(bytes.length, body + size);
      const count = Math.floor((end - body) / (2 * channels));
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = view.getInt16(body + i * 2 * channels, true);
      if (!sampleRate) throw new Error('no format chunk');
      return { sampleRate, samples };
    }
    at = body + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/** The clip without its leading and trailing near-silence, keeping `marginMs` of it on each side. */
export function trimSilence(samples: Int16Array, sampleRate: number, threshold = 200, marginMs = 40): Int16Array {
  let first = 0;
  while (first < samples.length && Math.abs(samples[first]!) < threshold) first++;
  let last = samples.length - 1;
  while (last > first && Math.abs(samples[last]!) < threshold) last--;
  if (first >= samples.length) return new Int16Array(0);
  const margin = Math.round((marginMs / 1000) * sampleRate);
  return samples.slice(Math.max(0, first - margin), Math.min(samples.length, last + 1 + margin));
}

/** A mono 16-bit PCM WAV file of `samples`. */
export function wavFile(samples: Int16Array, sampleRate: number): Buffer {
  const data = samples.length * 2;
  const out = Buffer.alloc(44 + data);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + data, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(data, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, 44 + i * 2);
  return out;
}

/** Longest a whole script's speech may take before the render goes on without it. */
const timeoutMs = (texts: string[]) => 20_000 + texts.length * 2_000;

/** The pause put between texts spoken in one run, and the shortest silence taken for one (espeak's own pauses stay under half a second). */
const BREAK_MS = 2_000;
const GAP_SECONDS = 1.4;

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** All texts as one SSML document, a BREAK_MS pause between each two. */
export const ssmlOf = (texts: string[]) => `<speak>${texts.map(xml).join(`<break time="${BREAK_MS}ms"/>`)}</speak>`;

/** The clip cut at its silences of GAP_SECONDS or more: `expected` pieces, or null when the silences do not say where each text is. */
export function splitAtGaps(samples: Int16Array, sampleRate: number, expected: number, threshold = 200): Int16Array[] | null {
  const gap = Math.round(GAP_SECONDS * sampleRate);
  const pieces: Int16Array[] = [];
  let from = 0;
  let quiet = 0;
  let heard = false;
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i]!) < threshold) {
      quiet++;
      continue;
    }
    // A piece ends halfway through the silence after it, so trimming it keeps its margin of quiet.
    if (quiet >= gap && heard) {
      const cut = i - Math.ceil(quiet / 2);
      pieces.push(samples.subarray(from, cut));
      from = cut;
    }
    quiet = 0;
    heard = true;
  }
  pieces.push(samples.subarray(from));
  return pieces.length === expected ? pieces : null;
}

/** Whether espeak has anything to say in a text (a text of only punctuation gives no sound, and so no piece). */
const speakable = (text: string) => /[\p{L}\p{N}]/u.test(text);

/**
 * espeak-ng in a worker thread (its WASM blocks the thread it runs on): the
 * event loop keeps serving while a video is spoken, and an abort terminates
 * the worker at once. Every text is spoken in ONE espeak run (an instance
 * costs more than the speech), with long pauses between them that then say
 * where each clip starts; when they do not (a text said nothing), each text
 * is spoken on its own.
 */
export const espeakSynthesize: Synthesize = (texts, voice, signal, onClip) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    // Plain JavaScript: started without the parent's loaders (tsx), which it does not need.
    const worker = new Worker(new URL('./tts-worker.mjs', import.meta.url), { execArgv: [], workerData: { voice, wordsPerMinute: WORDS_PER_MINUTE } });
    const waiting = new Map<number, { resolve: (wav: Uint8Array) => void; reject: (err: Error) => void }>();
    let nextId = 0;
    let settled = false;
    const finish = (err: unknown, speech?: Speech) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (err) reject(err);
      else resolve(speech!);
    };
    const onAbort = () => finish(abortError(signal));
    const timer = setTimeout(() => finish(new Error(`text-to-speech took longer than ${timeoutMs(texts) / 1000} s`)), timeoutMs(texts));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: { id: number; wav?: Uint8Array; error?: string }) => {
      const w = waiting.get(msg.id);
      if (!w) return;
      waiting.delete(msg.id);
      if (msg.wav) w.resolve(msg.wav);
      else w.reject(new Error(msg.error ?? 'text-to-speech failed'));
    });
    worker.on('error', (err) => finish(err));
    worker.on('exit', (code) => finish(new Error(`text-to-speech stopped (exit ${code})`)));
    const speak = (text: string, ssml: boolean) =>
      new Promise<{ sampleRate: number; samples: Int16Array }>((ok, fail) => {
        const id = nextId++;
        waiting.set(id, { resolve: (wav) => ok(parseWav(wav)), reject: fail });
        worker.postMessage({ id, text, ssml });
      });

    void (async () => {
      const spoken = texts.map((t, i) => (speakable(t) ? i : -1)).filter((i) => i >= 0);
      const clips: Int16Array[] = texts.map(() => new Int16Array(0));
      let sampleRate = 22_050;
      if (spoken.length) {
        const all = await speak(ssmlOf(spoken.map((i) => texts[i]!)), true);
        sampleRate = all.sampleRate;
        const pieces = splitAtGaps(all.samples, sampleRate, spoken.length);
        if (pieces) spoken.forEach((at, k) => (clips[at] = trimSilence(pieces[k]!, sampleRate)));
        else {
          for (const [k, at] of spoken.entries()) {
            const one = await speak(texts[at]!, false);
            if (one.sampleRate !== sampleRate) throw new Error('clips of different sample rates');
            clips[at] = trimSilence(one.samples, sampleRate);
            onClip(k + 1);
          }
        }
      }
      onClip(texts.length);
      finish(null, { sampleRate, clips });
    })().catch((err: unknown) => finish(err));
  });
