import { CreateVideoSchema, VideoDetailViewSchema, VideoViewSchema } from '../../../shared/schemas/videos.js';
import type { Area } from './operation.js';

/** Asking for a video and following its render (the share page, captions and files are in video-share.ts). */
export const videos: Area = {
  tag: 'Videos',
  description:
    'A video is a content item (kind `video`) whose render is a job: `pending` → `processing` (with progress) → `completed`, `failed` or `cancelled`, live as `video.updated` events. Its estimated generative credits are held at submit; the finished video is charged what its real length costs (1 credit a minute, in 30-second steps), never more than was held; a failed or cancelled render charges nothing.',
  paths: {
    '/workspaces/{id}/videos': {
      post: {
        operationId: 'createVideo',
        summary: 'Ask for a video from a script (needs content.create, and edit on the folder): 202 with the video, `pending`; its estimate is held (402 when there is not enough)',
        body: CreateVideoSchema,
        ok: 202,
        reply: VideoViewSchema,
        errors: ['insufficient_credits', 'conflict'],
      },
    },
    '/workspaces/{id}/videos/{videoId}': {
      get: { operationId: 'getVideo', summary: 'The video page: status, progress, results, what it was made from, the caller’s access', ok: 200, reply: VideoDetailViewSchema },
    },
    '/workspaces/{id}/videos/{videoId}/cancel': {
      post: {
        operationId: 'cancelVideo',
        summary: 'Cancel a render that is pending or processing (needs edit); nothing is charged. 409 once it is over',
        ok: 200,
        reply: VideoDetailViewSchema,
        errors: ['conflict'],
      },
    },
  },
};
