import type { VideoDoc } from './video.model.js';

/*
 * Where a video's files are served. The versioned URLs of signed-in people
 * may be cached (a new render or poster has a new version); the public ones
 * carry the link's token, so unpublishing (the token deleted) stops them.
 */

const base = (workspaceId: string, videoId: string) => `/api/workspaces/${workspaceId}/videos/${videoId}`;

export const fileUrlOf = (v: Pick<VideoDoc, '_id' | 'workspaceId' | 'file'>) => (v.file ? `${base(v.workspaceId, v._id)}/file?v=${v.file.version}` : null);
export const posterUrlOf = (v: Pick<VideoDoc, '_id' | 'workspaceId' | 'poster'>) => (v.poster ? `${base(v.workspaceId, v._id)}/poster?v=${v.poster.version}` : null);
/** A caption track's WebVTT for players of signed-in people. */
export const captionUrlOf = (workspaceId: string, videoId: string, lang: string) => `${base(workspaceId, videoId)}/captions/${lang}/vtt`;

/** The public page and its files, by the link's token. */
export const publicPageUrl = (publicUrl: string, token: string) => `${publicUrl}/v/${token}`;
export const publicFileUrl = (token: string, v: Pick<VideoDoc, 'file'>) => `/api/public/videos/${token}/file?v=${v.file?.version ?? ''}`;
export const publicPosterUrl = (token: string, v: Pick<VideoDoc, 'poster'>) => (v.poster ? `/api/public/videos/${token}/poster?v=${v.poster.version}` : null);
export const publicCaptionUrl = (token: string, lang: string) => `/api/public/videos/${token}/captions/${lang}.vtt`;
