import type { CaptionTrackView } from '$shared/schemas/videos.js';
import { ApiError } from '../api/client.js';
import { deleteCaption, getCaption, putCaption, type CueView } from '../api/videos.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import { cueAtLine, cueProblem, formatTime, lineOf, newKey, parseTime, toVtt, type CueDraft } from './cues.js';
import type { OpenVideo, TrackChange } from './open-video.svelte.js';

/** A save or an upload the server refused, with the line it names (and the cue on that line, for a save). */
export interface TrackError {
  message: Message;
  line: number | null;
  cue: number | null;
}

const draftOf = (c: CueView): CueDraft => ({ key: newKey(), start: formatTime(c.start), end: formatTime(c.end), text: c.text });
const snapshot = (label: string, cues: CueDraft[]) => JSON.stringify([label.trim(), cues.map((c) => [parseTime(c.start), parseTime(c.end), c.text.trim()])]);

/**
 * The caption editor of one video: one track open at a time (its label and
 * cues, edited here until Save), tracks added here but not saved yet, and
 * what someone else changes meanwhile. A track changed elsewhere is read
 * again when nothing is typed in it; otherwise the person is asked first,
 * so their edits are never overwritten unseen.
 */
export class CaptionEditor {
  /** The open track's language; null when the video has none. */
  lang = $state<string | null>(null);
  label = $state('');
  cues = $state<CueDraft[]>([]);
  /** Languages added here and not saved yet, with their labels. */
  fresh = $state<Record<string, string>>({});
  loading = $state(false);
  pending = $state<'save' | 'upload' | 'delete' | null>(null);
  error = $state<TrackError | null>(null);
  /** The open track was changed (`changed`) or deleted (`deleted`) by someone else while edits were unsaved. */
  elsewhere = $state<'changed' | 'deleted' | null>(null);
  /** Which cues the browser found wrong (by key), and how. */
  problems = $state<Record<number, NonNullable<ReturnType<typeof cueProblem>>>>({});
  #stored = $state(snapshot('', []));
  #request = 0;
  #stop: () => void;

  constructor(readonly video: OpenVideo) {
    this.#stop = video.onTrackChange((change) => this.#remote(change));
  }

  get dirty() {
    return this.lang !== null && (this.lang in this.fresh || snapshot(this.label, this.cues) !== this.#stored);
  }

  /** Saved tracks and the new ones, by language. */
  get tabs(): Array<{ lang: string; label: string; saved: boolean }> {
    const saved = this.video.tracks.map((t) => ({ lang: t.lang, label: t.label, saved: true }));
    const fresh = Object.entries(this.fresh)
      .filter(([lang]) => !saved.some((t) => t.lang === lang))
      .map(([lang, label]) => ({ lang, label, saved: false }));
    return [...saved, ...fresh];
  }

  stop() {
    this.#stop();
  }

  /** Opens a track (what was typed in another is dropped: the page asks first). */
  async open(lang: string) {
    this.lang = lang;
    this.error = null;
    this.elsewhere = null;
    this.problems = {};
    if (lang in this.fresh) {
      this.label = this.fresh[lang]!;
      this.cues = [];
      this.#stored = snapshot('', []);
      return;
    }
    await this.#read(lang);
  }

  async #read(lang: string) {
    const request = ++this.#request;
    this.loading = true;
    try {
      const track = await getCaption(this.video.workspaceId, this.video.videoId, lang);
      if (request !== this.#request || this.lang !== lang) return;
      this.label = track.label;
      this.cues = track.cues.map(draftOf);
      this.#stored = snapshot(this.label, this.cues);
      this.elsewhere = null;
    } catch (err) {
      if (request === this.#request) this.error = { message: errorMessage(err), line: null, cue: null };
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  /** Reads the open track again, dropping what was typed (the person chose so). */
  reload() {
    if (!this.lang) return;
    if (this.elsewhere === 'deleted') {
      const lang = this.lang;
      this.elsewhere = null;
      this.lang = null;
      delete this.fresh[lang];
      return this.openFirst();
    }
    return this.#read(this.lang);
  }

  openFirst() {
    const first = this.tabs[0];
    if (first) return this.open(first.lang);
    this.lang = null;
    this.cues = [];
    this.label = '';
  }

  /** A new track, not saved until Save (or an upload into it). */
  add(lang: string, label: string) {
    this.fresh = { ...this.fresh, [lang]: label };
    return this.open(lang);
  }

  addCue() {
    const last = this.cues[this.cues.length - 1];
    const start = last ? (parseTime(last.end) ?? 0) : 0;
    this.cues = [...this.cues, { key: newKey(), start: formatTime(start), end: formatTime(start + 2), text: '' }];
  }

  removeCue(key: number) {
    this.cues = this.cues.filter((c) => c.key !== key);
    delete this.problems[key];
  }

  #check(): boolean {
    const problems: Record<number, NonNullable<ReturnType<typeof cueProblem>>> = {};
    for (const cue of this.cues) {
      const problem = cueProblem(cue);
      if (problem) problems[cue.key] = problem;
    }
    this.problems = problems;
    return !Object.keys(problems).length;
  }

  #refused(err: unknown, cues: CueDraft[] | null): TrackError {
    if (err instanceof ApiError && err.code === 'validation_failed') {
      const issue = err.fields.find((f) => f.path === 'vtt' || f.path === '') ?? err.fields[0];
      const text = issue?.message ?? err.message;
      const line = lineOf(text, issue ?? err.details);
      if (issue && issue.path === 'label') return { message: { text }, line: null, cue: null };
      const reason = text.replace(/^\s*line \d+\s*[:,—-]?\s*/i, '');
      return {
        message: line !== null ? { key: 'videos.captions.error.line', params: { line, reason } } : { text },
        line,
        cue: line !== null && cues ? cueAtLine(cues, line) : null,
      };
    }
    return { message: errorMessage(err), line: null, cue: null };
  }

  async save() {
    const lang = this.lang;
    if (!lang || this.pending) return false;
    this.error = null;
    if (!this.label.trim()) {
      this.error = { message: { key: 'videos.validation.label.required' }, line: null, cue: null };
      return false;
    }
    if (!this.#check()) return false;
    const cues = this.cues;
    this.pending = 'save';
    try {
      const track = await putCaption(this.video.workspaceId, this.video.videoId, lang, { label: this.label.trim(), vtt: toVtt(cues) });
      this.#saved(lang, track);
      this.#stored = snapshot(this.label, this.cues);
      return true;
    } catch (err) {
      this.error = this.#refused(err, cues);
      return false;
    } finally {
      this.pending = null;
    }
  }

  #saved(lang: string, track: CaptionTrackView) {
    this.video.setTrack(lang, track);
    if (lang in this.fresh) {
      const { [lang]: _, ...rest } = this.fresh;
      this.fresh = rest;
    }
    this.elsewhere = null;
  }

  /** A .vtt or .srt file replaces the open track's cues (the server converts an .srt and checks either). */
  async upload(file: File) {
    const lang = this.lang;
    if (!lang || this.pending) return false;
    this.error = null;
    this.pending = 'upload';
    try {
      const text = await file.text();
      const format = /\.srt$/i.test(file.name) ? 'srt' : 'vtt';
      const track = await putCaption(this.video.workspaceId, this.video.videoId, lang, { label: this.label.trim() || lang, vtt: text, format });
      this.#saved(lang, track);
      await this.#read(lang);
      return true;
    } catch (err) {
      this.error = this.#refused(err, null);
      return false;
    } finally {
      this.pending = null;
    }
  }

  async remove() {
    const lang = this.lang;
    if (!lang || this.pending) return false;
    this.pending = 'delete';
    this.error = null;
    try {
      if (lang in this.fresh) {
        const { [lang]: _, ...rest } = this.fresh;
        this.fresh = rest;
      } else {
        await deleteCaption(this.video.workspaceId, this.video.videoId, lang);
        this.video.setTrack(lang, null);
      }
      this.lang = null;
      await this.openFirst();
      return true;
    } catch (err) {
      this.error = { message: errorMessage(err), line: null, cue: null };
      return false;
    } finally {
      this.pending = null;
    }
  }

  #remote({ lang, track }: TrackChange) {
    if (lang !== this.lang) {
      if (this.lang === null && track) void this.open(lang);
      return;
    }
    if (!track) {
      this.elsewhere = 'deleted';
      if (!this.dirty) void this.reload();
      return;
    }
    if (this.dirty) this.elsewhere = 'changed';
    else void this.#read(lang);
  }
}
