import { Schema, type Connection } from 'mongoose';
import type { VideoLanguage, VideoStatus } from '../../shared/schemas/videos.js';

/** A file of a video in the blob store (server/files/blob-store.ts). */
export interface VideoFile {
  key: string;
  size: number;
  contentType: string;
  /** Changes with every new file, so a URL with it can be cached for good. */
  version: string;
}

/**
 * What a render draws, copied from the library at submit: an asset
 * unshared or changed later does not change a video already asked for.
 */
export interface VideoLook {
  avatar: { id: string; name: string; style: string | null; image: string | null } | null;
  voice: { id: string; name: string; gender: string | null } | null;
  brandKit: { id: string; name: string; colors: string[]; logo: string | null } | null;
}

/** The share page's settings. */
export interface VideoShare {
  /** The public link's token while published (≥ 128 bits, base64url); null when not published. */
  token: string | null;
  publishedAt: Date | null;
  /** argon2id; null when there is no password. */
  passwordHash: string | null;
  /** Goes up with every password change: an unlock cookie names the version it was given for. */
  passwordVersion: number;
  /** Whether search engines may list the public page (`noindex` otherwise). */
  indexable: boolean;
}

/**
 * A video: `_id` = its content item's id (the item holds name, folder,
 * owner and sharing; this holds the render and the share page). `status`,
 * `progress` and the results are written by the job that renders it
 * (server/jobs), and the item's `status` follows.
 */
export interface VideoDoc {
  _id: string;
  workspaceId: string;
  script: string;
  language: VideoLanguage;
  look: VideoLook;
  estimatedSeconds: number;
  /** The generative credits held at submit (the estimate's cost). */
  creditsHeld: number;
  createdBy: string;
  createdAt: Date;
  status: VideoStatus;
  progress: number;
  error: string | null;
  durationSeconds: number | null;
  creditsCharged: number | null;
  completedAt: Date | null;
  file: VideoFile | null;
  poster: VideoFile | null;
  share: VideoShare;
}

/** A caption track: `_id` = `<videoId>:<lang>`; the track's WebVTT as it is served. */
export interface CaptionTrackDoc {
  _id: string;
  videoId: string;
  workspaceId: string;
  lang: string;
  label: string;
  vtt: string;
  updatedAt: Date;
}

/** A published link: `_id` = the token, so the public page finds its video in one lookup; deleted on unpublish. */
export interface PublicLinkDoc {
  _id: string;
  videoId: string;
  workspaceId: string;
  createdAt: Date;
}

export const captionTrackId = (videoId: string, lang: string) => `${videoId}:${lang}`;

const videoSchema = new Schema<VideoDoc>(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true, index: true },
    script: { type: String, required: true },
    language: { type: String, required: true },
    look: { type: Schema.Types.Mixed, required: true },
    estimatedSeconds: { type: Number, required: true },
    creditsHeld: { type: Number, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    status: { type: String, required: true },
    progress: { type: Number, required: true, default: 0 },
    error: { type: String, default: null },
    durationSeconds: { type: Number, default: null },
    creditsCharged: { type: Number, default: null },
    completedAt: { type: Date, default: null },
    file: { type: Schema.Types.Mixed, default: null },
    poster: { type: Schema.Types.Mixed, default: null },
    share: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false, minimize: false },
);

const captionTrackSchema = new Schema<CaptionTrackDoc>(
  {
    _id: { type: String, required: true },
    videoId: { type: String, required: true, index: true },
    workspaceId: { type: String, required: true },
    lang: { type: String, required: true },
    label: { type: String, required: true },
    vtt: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const publicLinkSchema = new Schema<PublicLinkDoc>(
  {
    _id: { type: String, required: true },
    videoId: { type: String, required: true, index: true },
    workspaceId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const videoModel = (conn: Connection) => conn.model<VideoDoc>('Video', videoSchema, 'videos');
export const captionTrackModel = (conn: Connection) => conn.model<CaptionTrackDoc>('CaptionTrack', captionTrackSchema, 'caption_tracks');
export const publicLinkModel = (conn: Connection) => conn.model<PublicLinkDoc>('PublicLink', publicLinkSchema, 'public_links');
