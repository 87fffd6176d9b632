import { z } from 'zod';
import { IdSchema } from './ids.js';
import { ItemNameSchema, type AccessLevel, type ItemRef } from './content.js';
import { replyOf } from './reply.js';

/**
 * Videos and their share pages. The names here are the API contract
 * (../shared/API.md, "Videos and share pages"); a video is a content item
 * (kind `video`) whose render is a job.
 */

export const VIDEO_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const;
export const VideoStatusSchema = z.enum(VIDEO_STATUSES);
export type VideoStatus = z.infer<typeof VideoStatusSchema>;
/** A render that is over: nothing about it changes any more (but its captions and sharing). */
export const isFinished = (s: VideoStatus) => s === 'completed' || s === 'failed' || s === 'cancelled';

/** Languages a script may be spoken and captioned in (the text-to-speech voices there are). */
export const VideoLanguageSchema = z.enum(['en', 'fr']);
export type VideoLanguage = z.infer<typeof VideoLanguageSchema>;

/** A script: at most this many characters (about 5 minutes of speech). */
export const MAX_SCRIPT_LENGTH = 5_000;
/** Words spoken per minute, for the estimate (and the voice's pace). */
export const WORDS_PER_MINUTE = 150;
/** Seconds of title card before the script is spoken. */
export const TITLE_CARD_SECONDS = 2;
/** Billing: 1 generative credit per minute of video, in 30-second steps (0.5 credit each). */
export const BILLING_STEP_SECONDS = 30;
export const CREDITS_PER_STEP = 0.5;

export const wordsOf = (script: string) => script.trim().split(/\s+/u).filter(Boolean).length;
/** How long a script will run, in seconds: the title card and the words at WORDS_PER_MINUTE. */
export const estimateSeconds = (script: string) => TITLE_CARD_SECONDS + Math.ceil((wordsOf(script) * 60) / WORDS_PER_MINUTE);
/** What a video of `seconds` costs: one CREDITS_PER_STEP per started BILLING_STEP_SECONDS (at least one step). */
export const creditsFor = (seconds: number) => Math.max(1, Math.ceil(seconds / BILLING_STEP_SECONDS)) * CREDITS_PER_STEP;
/** The hold at submit: the estimate's cost. The charge at the end is the real length's cost, never more than the hold. */
export const estimateCredits = (script: string) => creditsFor(estimateSeconds(script));

export const ScriptSchema = z
  .string()
  .trim()
  .min(1, 'A script is required')
  .max(MAX_SCRIPT_LENGTH, `A script is at most ${MAX_SCRIPT_LENGTH} characters`)
  .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'A script cannot contain control characters');

/** `POST /api/workspaces/:id/videos` (and `POST /api/v1/videos`). */
export const CreateVideoSchema = z.strictObject({
  title: ItemNameSchema,
  script: ScriptSchema,
  avatarId: IdSchema.optional(),
  voiceId: IdSchema.optional(),
  brandKitId: IdSchema.optional(),
  folderId: IdSchema.optional(),
  /** The script's language; defaults to the voice's language, else English. */
  language: VideoLanguageSchema.optional(),
});
export type CreateVideo = z.infer<typeof CreateVideoSchema>;

/** `PUT …/videos/:videoId/share`. `password: null` removes it; `indexable` lets search engines list the public page. */
export const PASSWORD_MIN = 4;
export const PutVideoShareSchema = z
  .strictObject({
    published: z.boolean().optional(),
    password: z.string().min(PASSWORD_MIN, `A password has at least ${PASSWORD_MIN} characters`).max(200, 'A password has at most 200 characters').nullable().optional(),
    indexable: z.boolean().optional(),
  })
  .refine((v) => v.published !== undefined || v.password !== undefined || v.indexable !== undefined, 'Nothing to change');
export type PutVideoShare = z.infer<typeof PutVideoShareSchema>;

/** A caption track's language tag in URLs and files: `en`, `fr`, `pt-BR`, `es-419`. */
export const CaptionLangSchema = z.string().regex(/^[a-z]{2,3}(-([A-Z]{2}|[0-9]{3}))?$/, 'Use a language tag such as en, fr or pt-BR');
export const MAX_VTT_BYTES = 200_000;
export const MAX_CAPTION_TRACKS = 20;
/** `PUT …/videos/:videoId/captions/:lang`: the whole track, as WebVTT (an `.srt` is converted by the client or with `format: "srt"`). */
export const PutCaptionSchema = z.strictObject({
  label: z.string().trim().min(1, 'A label is required').max(60, 'A label is at most 60 characters'),
  vtt: z.string().refine((s) => new TextEncoder().encode(s).length <= MAX_VTT_BYTES, `A caption file is at most ${MAX_VTT_BYTES / 1000} kB`),
  format: z.enum(['vtt', 'srt']).optional(),
});
export type PutCaption = z.infer<typeof PutCaptionSchema>;

export const UnlockSchema = z.strictObject({ password: z.string().min(1, 'Enter the password').max(200) });

/* Views (replies). */

export interface VideoView {
  id: string;
  title: string;
  status: VideoStatus;
  /** 0–100: the encoder's progress while processing; 100 once completed. */
  progress: number;
  durationSeconds: number | null;
  /** The estimate held while the render runs (0 once it is over). */
  creditsHeld: number;
  /** What the finished video cost (null until it is completed; 0 for a failed or cancelled one). */
  creditsCharged: number | null;
  fileUrl: string | null;
  posterUrl: string | null;
  /** Why it failed, in words a person understands. */
  error?: string;
}

/** `GET /api/workspaces/:id/videos/:videoId`: the contract's fields, and what the video page shows. */
export interface VideoDetailView extends VideoView {
  parentId: string | null;
  path: ItemRef[];
  ownerId: string;
  createdBy: string;
  script: string;
  language: VideoLanguage;
  estimatedSeconds: number;
  avatar: ItemRef | null;
  voice: ItemRef | null;
  brandKit: ItemRef | null;
  /** Renders ahead of this one in the workspace's queue while it is pending (0 = next). */
  queuePosition: number | null;
  access: AccessLevel;
  manage: boolean;
  createdAt: string;
  completedAt: string | null;
}

export interface VideoShareView {
  published: boolean;
  /** `<PUBLIC_URL>/v/<token>` while published; null otherwise. */
  publicUrl: string | null;
  passwordProtected: boolean;
  indexable: boolean;
}

export interface CaptionTrackView {
  lang: string;
  label: string;
  updatedAt: string;
}

export interface PublicCaptionView {
  lang: string;
  label: string;
  url: string;
}

/** `GET /api/public/videos/:token`. */
export interface PublicVideoView {
  title: string;
  durationSeconds: number | null;
  fileUrl: string;
  posterUrl: string | null;
  captions: PublicCaptionView[];
}

/* Reply schemas (OpenAPI), checked against the views. */

const ItemRefSchema = replyOf<ItemRef>()(z.object({ id: z.string(), name: z.string() }));
const credits = () => z.number().multipleOf(CREDITS_PER_STEP).min(0);

const videoFields = {
  id: z.string(),
  title: z.string(),
  status: VideoStatusSchema,
  progress: z.number().int().min(0).max(100),
  durationSeconds: z.number().nullable(),
  creditsHeld: credits(),
  creditsCharged: credits().nullable(),
  fileUrl: z.string().nullable(),
  posterUrl: z.string().nullable(),
  error: z.string().optional(),
};

export const VideoViewSchema = replyOf<VideoView>()(z.object(videoFields));

export const VideoDetailViewSchema = replyOf<VideoDetailView>()(
  z.object({
    ...videoFields,
    parentId: z.string().nullable(),
    path: z.array(ItemRefSchema),
    ownerId: z.string(),
    createdBy: z.string(),
    script: z.string(),
    language: VideoLanguageSchema,
    estimatedSeconds: z.number().int(),
    avatar: ItemRefSchema.nullable(),
    voice: ItemRefSchema.nullable(),
    brandKit: ItemRefSchema.nullable(),
    queuePosition: z.number().int().nullable(),
    access: z.enum(['none', 'view', 'edit']),
    manage: z.boolean(),
    createdAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
  }),
);

export const VideoShareViewSchema = replyOf<VideoShareView>()(
  z.object({ published: z.boolean(), publicUrl: z.string().nullable(), passwordProtected: z.boolean(), indexable: z.boolean() }),
);

export const CaptionTrackViewSchema = replyOf<CaptionTrackView>()(z.object({ lang: z.string(), label: z.string(), updatedAt: z.iso.datetime() }));

export const PublicVideoViewSchema = replyOf<PublicVideoView>()(
  z.object({
    title: z.string(),
    durationSeconds: z.number().nullable(),
    fileUrl: z.string(),
    posterUrl: z.string().nullable(),
    captions: z.array(replyOf<PublicCaptionView>()(z.object({ lang: z.string(), label: z.string(), url: z.string() }))),
  }),
);
