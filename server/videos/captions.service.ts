import type { AppContext } from '../context.js';
import { CaptionLangSchema, MAX_CAPTION_TRACKS, type CaptionTrackView, type PutCaption } from '../../shared/schemas/videos.js';
import { atLeast } from '../../shared/access.js';
import { forbidden, invalidField, notFound } from '../http/errors.js';
import { withLock } from '../db/claims.js';
import { recipientsOf, viewersOf } from '../content/access-loader.js';
import { itemTarget } from '../content/item.presenter.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { loadVideo, type VideoAccess } from './video-access.js';
import { captionTrackId, type CaptionTrackDoc } from './video.model.js';
import { cuesOf, parseCaptions, type Cue } from './vtt.js';

/**
 * A video's caption tracks, one per language: those who may view the
 * video read them, those with `edit` change them. A track's WebVTT is
 * stored as validated and sanitised (vtt.ts), so every reader — the public
 * page among them — gets clean cues.
 */

export const trackView = (t: Pick<CaptionTrackDoc, 'lang' | 'label' | 'updatedAt'>): CaptionTrackView => ({ lang: t.lang, label: t.label, updatedAt: t.updatedAt.toISOString() });

export interface CaptionTrackDetail extends CaptionTrackView {
  vtt: string;
  cues: Cue[];
}

/** A language tag from the path: one that is not a tag is a 400, as the schema says. */
export function langParam(value: unknown): string {
  const parsed = CaptionLangSchema.safeParse(value);
  if (!parsed.success) throw invalidField('lang', parsed.error.issues[0]?.message ?? 'Not a language tag');
  return parsed.data;
}

/** Every track of a video, by language. */
export async function tracksOf(ctx: AppContext, videoId: string): Promise<CaptionTrackDoc[]> {
  const tracks = await ctx.models.CaptionTrack.find({ videoId }).lean<CaptionTrackDoc[]>();
  return tracks.sort((a, b) => a.lang.localeCompare(b.lang));
}

export async function listCaptions(ctx: AppContext, access: WorkspaceAccess, userId: string, videoId: string): Promise<CaptionTrackView[]> {
  await loadVideo(ctx, access, videoId, userId);
  return (await tracksOf(ctx, videoId)).map(trackView);
}

export async function getCaption(ctx: AppContext, access: WorkspaceAccess, userId: string, videoId: string, lang: string): Promise<CaptionTrackDoc> {
  await loadVideo(ctx, access, videoId, userId);
  const track = await ctx.models.CaptionTrack.findById(captionTrackId(videoId, lang)).lean<CaptionTrackDoc>();
  if (!track) throw notFound('No captions in this language');
  return track;
}

export const captionDetail = (t: CaptionTrackDoc): CaptionTrackDetail => ({ ...trackView(t), vtt: t.vtt, cues: cuesOf(t.vtt) });

const needEdit = (found: VideoAccess) => {
  if (!atLeast(found.access, 'edit')) throw forbidden('You may only watch this video');
};

async function announce(ctx: AppContext, access: WorkspaceAccess, found: VideoAccess, userId: string, lang: string, track: CaptionTrackView | null, before: CaptionTrackDoc | null) {
  const viewers = await viewersOf(ctx, access.workspace, [...found.ancestors, found.item]);
  await ctx.publisher.toItemViewers(access.workspace._id, recipientsOf(viewers), {
    type: 'video.captions.updated',
    actorId: userId,
    data: { id: found.video._id, lang, track },
    audit: {
      target: itemTarget(found.item),
      ...(before ? { before: { lang, label: before.label } } : {}),
      ...(track ? { after: { lang, label: track.label } } : {}),
    },
  });
}

/** `PUT …/captions/:lang`: the whole track (validated, sanitised); at most MAX_CAPTION_TRACKS languages per video. */
export async function putCaption(ctx: AppContext, access: WorkspaceAccess, userId: string, videoId: string, lang: string, input: PutCaption): Promise<CaptionTrackDetail> {
  needEdit(await loadVideo(ctx, access, videoId, userId));
  const { vtt } = parseCaptions(input.vtt, input.format ?? 'vtt');
  // One change of a video's tracks at a time, on every node: the count of tracks holds.
  return withLock(ctx.models.Lock, `video-captions:${videoId}`, async () => {
    const found = await loadVideo(ctx, access, videoId, userId);
    needEdit(found);
    const id = captionTrackId(videoId, lang);
    const before = await ctx.models.CaptionTrack.findById(id).lean<CaptionTrackDoc>();
    if (!before && (await ctx.models.CaptionTrack.countDocuments({ videoId })) >= MAX_CAPTION_TRACKS) {
      throw invalidField('lang', `A video has at most ${MAX_CAPTION_TRACKS} caption tracks`);
    }
    const doc: CaptionTrackDoc = { _id: id, videoId, workspaceId: found.video.workspaceId, lang, label: input.label, vtt, updatedAt: ctx.now() };
    await ctx.models.CaptionTrack.replaceOne({ _id: id }, doc, { upsert: true });
    const view = trackView(doc);
    await announce(ctx, access, found, userId, lang, view, before);
    return captionDetail(doc);
  });
}

export async function deleteCaption(ctx: AppContext, access: WorkspaceAccess, userId: string, videoId: string, lang: string) {
  needEdit(await loadVideo(ctx, access, videoId, userId));
  await withLock(ctx.models.Lock, `video-captions:${videoId}`, async () => {
    const found = await loadVideo(ctx, access, videoId, userId);
    needEdit(found);
    const before = await ctx.models.CaptionTrack.findOneAndDelete({ _id: captionTrackId(videoId, lang) }).lean<CaptionTrackDoc>();
    if (!before) throw notFound('No captions in this language');
    await announce(ctx, access, found, userId, lang, null, before);
  });
}
