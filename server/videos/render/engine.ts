import type { Config } from '../../config.js';
import type { VideoLanguage } from '../../../shared/schemas/videos.js';
import type { VideoLook } from '../video.model.js';
import { fakeEngine } from './fake-engine.js';

/** What one render draws and says. */
export interface RenderSpec {
  videoId: string;
  title: string;
  script: string;
  language: VideoLanguage;
  look: VideoLook;
  /** The avatar's picture and the brand kit's logo, when there are. */
  images: { avatar: Buffer | null; logo: Buffer | null };
}

export interface RenderOptions {
  /** A fresh directory for this render's files; the caller removes it. */
  workDir: string;
  /** Aborted when the job is cancelled or its lease lost: the engine stops its encoder and rejects with an AbortError. */
  signal: AbortSignal;
  /** 0–100, as the encoder reports it (called often; the caller throttles what it publishes). */
  onProgress: (percent: number) => void;
  /** Where the real engine writes what went wrong in detail (ffmpeg's stderr tail, a missing voice); optional. */
  logger?: { warn: (obj: object, msg: string) => void };
}

/** A finished render: files under `workDir`, the caller moves them to the blob store. */
export interface RenderResult {
  video: string;
  poster: string;
  contentType: 'video/webm' | 'video/mp4';
  durationSeconds: number;
  /** The captions of the script in its language, timed as it is spoken (WebVTT). */
  captions: string;
  /** Whether the file has a spoken track (false when no text-to-speech engine was available). */
  hasAudio: boolean;
}

export type RenderEngine = (spec: RenderSpec, opts: RenderOptions) => Promise<RenderResult>;

/** A render that cannot succeed, with the reason a person understands (shown on the video page). */
export class RenderError extends Error {
  /** What a maintainer needs (the encoder's last words): for the log, never shown to people. */
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export function engineFor(config: Pick<Config, 'RENDER_ENGINE'>): RenderEngine {
  return config.RENDER_ENGINE === 'fake' ? fakeEngine : realEngine;
}

/** The real renderer (ffmpeg + text-to-speech), loaded when first used. */
const realEngine: RenderEngine = async (spec, opts) => {
  const { renderWithFfmpeg } = await import('./ffmpeg-engine.js');
  return renderWithFfmpeg(spec, opts);
};
