import { z } from 'zod';
import { CaptionTrackViewSchema, PublicVideoViewSchema, PutCaptionSchema, PutVideoShareSchema, UnlockSchema, VideoShareViewSchema } from '../../../shared/schemas/videos.js';
import type { Area } from './operation.js';

const CaptionTrackDetailSchema = CaptionTrackViewSchema.extend({
  vtt: z.string(),
  cues: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })),
});

const ranges = 'HTTP range requests (`Range: bytes=…`): 206 with `Content-Range`, 416 for a range beyond the file; HEAD answers the headers.';

export const videoShare: Area = {
  tag: 'Video share pages',
  description:
    'A video’s files for signed-in people (view access), its share settings (publish to the web, password, indexing — `manage` to change), its caption tracks (view to read, edit to change), and the public side of a published video: no sign-in, by the link’s token, 404 once unpublished, 401 `password_required` until this browser gave the password.',
  paths: {
    '/workspaces/{id}/videos/{videoId}/file': {
      get: { operationId: 'getVideoFile', summary: 'The rendered video file (404 while there is none)', description: ranges, ok: 200, alsoOk: 206, reply: 'video' },
    },
    '/workspaces/{id}/videos/{videoId}/poster': {
      get: { operationId: 'getVideoPoster', summary: 'The video’s poster image (its first frame; 404 while there is none)', description: ranges, ok: 200, alsoOk: 206, reply: 'image' },
    },
    '/workspaces/{id}/videos/{videoId}/share': {
      get: { operationId: 'getVideoShare', summary: 'Whether the video is published, its public URL, password and indexing', ok: 200, reply: VideoShareViewSchema },
      put: {
        operationId: 'putVideoShare',
        summary: 'Publish (a new link each time) or unpublish (taken down at once), set or remove the password (argon2id; a change ends earlier unlocks), allow indexing; needs manage',
        body: PutVideoShareSchema,
        ok: 200,
        reply: VideoShareViewSchema,
        errors: ['conflict'],
      },
    },
    '/workspaces/{id}/videos/{videoId}/captions': {
      get: { operationId: 'listVideoCaptions', summary: 'The video’s caption tracks', ok: 200, reply: z.array(CaptionTrackViewSchema) },
    },
    '/workspaces/{id}/videos/{videoId}/captions/{lang}': {
      get: { operationId: 'getVideoCaption', summary: 'One caption track with its WebVTT and cues', ok: 200, reply: CaptionTrackDetailSchema },
      put: {
        operationId: 'putVideoCaption',
        summary: 'Set a whole caption track (WebVTT, or SRT with `format: "srt"`); validated with the line and reason of a mistake, cue text sanitised; needs edit',
        body: PutCaptionSchema,
        ok: 200,
        reply: CaptionTrackDetailSchema,
      },
      delete: { operationId: 'deleteVideoCaption', summary: 'Delete a caption track; needs edit', ok: 204 },
    },
    '/workspaces/{id}/videos/{videoId}/captions/{lang}/vtt': {
      get: { operationId: 'getVideoCaptionVtt', summary: 'A caption track as a WebVTT file', ok: 200, reply: 'vtt' },
    },
    '/public/videos/{token}': {
      get: { operationId: 'getPublicVideo', summary: 'A published video: title, duration, file, poster and caption URLs', auth: 'none', ok: 200, reply: PublicVideoViewSchema, errors: ['password_required'] },
    },
    '/public/videos/{token}/unlock': {
      post: {
        operationId: 'unlockPublicVideo',
        summary: 'Give a published video’s password: 204 and an HttpOnly cookie for this video in this browser. Guesses are limited per link and address (growing waits) and per link per hour (slowed, never closed).',
        auth: 'none',
        body: UnlockSchema,
        ok: 204,
        errors: ['invalid_credentials', 'rate_limited'],
      },
    },
    '/public/videos/{token}/file': {
      get: { operationId: 'getPublicVideoFile', summary: 'A published video’s file (`no-store`)', description: ranges, auth: 'none', ok: 200, alsoOk: 206, reply: 'video', errors: ['password_required'] },
    },
    '/public/videos/{token}/poster': {
      get: { operationId: 'getPublicVideoPoster', summary: 'A published video’s poster (`no-store`)', description: ranges, auth: 'none', ok: 200, alsoOk: 206, reply: 'image', errors: ['password_required'] },
    },
    '/public/videos/{token}/captions/{lang}.vtt': {
      get: { operationId: 'getPublicVideoCaptions', summary: 'A published video’s caption track as WebVTT', auth: 'none', ok: 200, reply: 'vtt', errors: ['password_required'] },
    },
  },
};
