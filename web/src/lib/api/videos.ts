import type { CaptionTrackView, CreateVideo, PutCaption, PutVideoShare, VideoDetailView, VideoShareView, VideoView } from '$shared/schemas/videos.js';
import { api } from './client.js';

const videos = (id: string) => `/workspaces/${encodeURIComponent(id)}/videos`;
const video = (id: string, videoId: string) => `${videos(id)}/${encodeURIComponent(videoId)}`;
const caption = (id: string, videoId: string, lang: string) => `${video(id, videoId)}/captions/${encodeURIComponent(lang)}`;

/** One cue of a caption track, in seconds, as the server parsed it. */
export interface CueView {
  start: number;
  end: number;
  text: string;
}

/** `GET …/captions/:lang`: the track with its WebVTT and its cues. */
export interface CaptionTrackDetail extends CaptionTrackView {
  vtt: string;
  cues: CueView[];
}

/** 202: the render is queued; the video item exists at once, `pending`. */
export const createVideo = (id: string, input: CreateVideo) => api<VideoView>('POST', videos(id), { body: input });

export const getVideo = (id: string, videoId: string) => api<VideoDetailView>('GET', video(id, videoId));

export const cancelVideo = (id: string, videoId: string) => api<VideoView>('POST', `${video(id, videoId)}/cancel`);

export const getVideoShare = (id: string, videoId: string) => api<VideoShareView>('GET', `${video(id, videoId)}/share`);

export const putVideoShare = (id: string, videoId: string, patch: PutVideoShare) => api<VideoShareView>('PUT', `${video(id, videoId)}/share`, { body: patch });

/** The tracks of a video, by language (a plain list, or a page of one). */
export async function listCaptions(id: string, videoId: string): Promise<CaptionTrackView[]> {
  const reply = await api<CaptionTrackView[] | { items: CaptionTrackView[] }>('GET', `${video(id, videoId)}/captions`);
  return Array.isArray(reply) ? reply : reply.items;
}

export const getCaption = (id: string, videoId: string, lang: string) => api<CaptionTrackDetail>('GET', caption(id, videoId, lang));

export const putCaption = (id: string, videoId: string, lang: string, input: PutCaption) => api<CaptionTrackView>('PUT', caption(id, videoId, lang), { body: input });

export const deleteCaption = (id: string, videoId: string, lang: string) => api<void>('DELETE', caption(id, videoId, lang));

/** The WebVTT of a track for the signed-in player (`<track src>`); `version` busts the browser's cache after an edit. */
export const captionVttUrl = (id: string, videoId: string, lang: string, version?: string) =>
  `/api${caption(id, videoId, lang)}/vtt${version ? `?v=${encodeURIComponent(version)}` : ''}`;

/** A video's poster for a list row, when the row has no versioned URL yet. */
export const posterUrl = (id: string, videoId: string) => `/api${video(id, videoId)}/poster`;
