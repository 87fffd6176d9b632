import type { AppContext } from '../context.js';
import { MAX_FOLDER_DEPTH } from '../../shared/schemas/content.js';
import { estimateCredits, estimateSeconds, isFinished, type CreateVideo, type VideoDetailView, type VideoView } from '../../shared/schemas/videos.js';
import { atLeast } from '../../shared/access.js';
import { can } from '../../shared/permissions.js';
import { AppError, conflict, forbidden, invalidField, notFound } from '../http/errors.js';
import { newId } from '../db/ids.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { findWorkspace } from '../workspaces/access.js';
import { ancestorsOf, recipientsOf, viewersOf } from '../content/access-loader.js';
import { announce as announceItem, inTree, loadDestination } from '../content/item.service.js';
import { ancestorIdsUnder, visibleAncestors } from '../content/item-chain.js';
import { itemAudit, itemTarget, itemView } from '../content/item.presenter.js';
import { folderKeyOf, type ItemDoc } from '../content/item.model.js';
import { holdCredits, settleHold, type HoldRef } from '../credits/holds.js';
import { announceCredits } from '../credits/credits.service.js';
import { enqueueRender, queuePositionOf } from '../jobs/job-queue.js';
import { cancelRender } from '../jobs/job-outcome.js';
import { kickRenders } from '../jobs/job-runner.js';
import { loadVideo } from './video-access.js';
import { lookOf } from './video-look.js';
import { videoDetailView, videoView } from './video.presenter.js';
import type { VideoDoc } from './video.model.js';

/**
 * Asking for a video: the item appears at once (`pending`), the estimate's
 * generative credits are held, and a render job is queued (server/jobs).
 * Everything that can refuse — permission, folder, assets, credits — is
 * checked before anything is written; a failure after the hold gives the
 * hold back.
 */

/** The hold of a video's render: its steps are keyed by the video's id, so each lands once (credits/holds.ts). */
export const holdOf = (v: Pick<VideoDoc, '_id' | 'workspaceId' | 'createdBy'>, title: string): HoldRef => ({
  workspaceId: v.workspaceId,
  kind: 'generative',
  workId: v._id,
  ref: { kind: 'video', id: v._id, label: title },
  actorId: v.createdBy,
});

/** The folder a video goes into, as item.service checks a destination; its refusals name `folderId`. */
const folderOf = (ctx: AppContext, access: WorkspaceAccess, folderId: string, userId: string) =>
  loadDestination(ctx, access, folderId, userId).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'validation_failed') throw invalidField('folderId', err.message === 'Items go into folders only' ? 'Videos go into folders only' : err.message);
    throw err;
  });

export async function createVideo(ctx: AppContext, access: WorkspaceAccess, userId: string, input: CreateVideo): Promise<VideoView> {
  if (!can(access.role, 'content.create')) throw forbidden('You may not create videos in this workspace');
  const w = access.workspace;
  // Checked before the hold (nothing written on a refusal), checked again under the tree lock when placing it.
  if (input.folderId) {
    const folder = await folderOf(ctx, access, input.folderId, userId);
    if (ancestorIdsUnder(folder.item).length > MAX_FOLDER_DEPTH) throw conflict(`Folders nest at most ${MAX_FOLDER_DEPTH} deep`);
  }
  const { look, language } = await lookOf(ctx, w, input);
  const now = ctx.now();
  const id = newId();
  const held = estimateCredits(input.script);
  const video: VideoDoc = {
    _id: id,
    workspaceId: w._id,
    script: input.script,
    language,
    look,
    estimatedSeconds: estimateSeconds(input.script),
    creditsHeld: held,
    createdBy: userId,
    createdAt: now,
    status: 'pending',
    progress: 0,
    error: null,
    durationSeconds: null,
    creditsCharged: null,
    completedAt: null,
    file: null,
    poster: null,
    share: { token: null, publishedAt: null, passwordHash: null, passwordVersion: 0, indexable: false },
  };
  const hold = holdOf(video, input.title);
  await holdCredits(ctx, hold, held);

  let placed: { item: ItemDoc; chain: ItemDoc[] };
  try {
    const place = async () => {
      const parent = input.folderId ? await folderOf(ctx, access, input.folderId, userId) : null;
      const ancestorIds = ancestorIdsUnder(parent?.item ?? null);
      if (ancestorIds.length > MAX_FOLDER_DEPTH) throw conflict(`Folders nest at most ${MAX_FOLDER_DEPTH} deep`);
      const item: ItemDoc = {
        _id: id,
        workspaceId: w._id,
        kind: 'video',
        name: input.title,
        nameKey: input.title.toLowerCase(),
        parentId: parent?.item._id ?? null,
        folderKey: folderKeyOf(w._id, parent?.item._id ?? null),
        ancestorIds,
        ownerId: userId,
        general: { scope: 'only_me', role: 'view' },
        body: null,
        status: 'pending',
        createdAt: now,
        updatedAt: now,
      };
      await ctx.models.Video.create(video);
      await ctx.models.Item.create(item);
      return { item, chain: [...(parent ? [...parent.ancestors, parent.item] : []), item] };
    };
    placed = input.folderId ? await inTree(ctx, w._id, place) : await place();
    await enqueueRender(ctx, video);
  } catch (err) {
    await Promise.all([ctx.models.Item.deleteOne({ _id: id }), ctx.models.Video.deleteOne({ _id: id }), ctx.models.RenderJob.deleteOne({ _id: id })]).catch(() => undefined);
    await settleHold(ctx, hold, held, 0);
    await announceCredits(ctx, w._id, userId);
    throw err;
  }
  const viewers = await viewersOf(ctx, w, placed.chain);
  const mine = viewers.find((v) => v.userId === userId)?.resolution ?? { access: 'edit' as const, manage: true };
  await announceItem(ctx, w, viewers, 'item.created', { userId, view: itemView(placed.item, mine) }, { target: itemTarget(placed.item), after: itemAudit(placed.item) });
  await announceCredits(ctx, w._id, userId);
  kickRenders(ctx);
  return videoView(placed.item, video);
}

/** `GET …/videos/:videoId`: the video page's view. */
export async function openVideo(ctx: AppContext, access: WorkspaceAccess, userId: string, videoId: string): Promise<VideoDetailView> {
  const found = await loadVideo(ctx, access, videoId, userId);
  const path = await visibleAncestors(ctx, access.workspace._id, userId, access.role, found.ancestors);
  const position = found.video.status === 'pending' ? await queuePositionOf(ctx, found.video) : null;
  return videoDetailView(found.item, found.video, found, path, position);
}

/** Cancels a render that is waiting or running (needs `edit`): nothing is charged, the hold goes back. */
export async function cancelVideo(ctx: AppContext, access: WorkspaceAccess, userId: string, videoId: string): Promise<VideoDetailView> {
  const found = await loadVideo(ctx, access, videoId, userId);
  if (!atLeast(found.access, 'edit')) throw forbidden('You may not cancel this video');
  if (isFinished(found.video.status)) throw conflict(`This video is already ${found.video.status}`);
  const outcome = await cancelRender(ctx, found.video, userId);
  if (outcome.status !== 'cancelled') throw conflict(`This video is already ${outcome.status}`);
  return openVideo(ctx, access, userId, videoId);
}

/** A video as the public API shows it: any video of the key's workspace; another workspace's, or an item that is no video, is not found. */
export async function publicVideo(ctx: AppContext, workspaceId: string, videoId: string): Promise<VideoView> {
  const [item, video] = await Promise.all([ctx.models.Item.findById(videoId).lean<ItemDoc>(), ctx.models.Video.findById(videoId).lean<VideoDoc>()]);
  if (!item || !video || item.kind !== 'video' || item.workspaceId !== workspaceId || video.workspaceId !== workspaceId) throw notFound('Video not found');
  return videoView(item, video);
}

/**
 * `video.updated` to everyone who can see the video, and — when its status
 * changed — `item.updated`, so lists show the status. No audit entry: the
 * render's steps are not admin actions.
 */
export async function announceVideo(ctx: AppContext, videoId: string, opts: { statusChanged: boolean; actorId?: string | null }) {
  const [item, video] = await Promise.all([ctx.models.Item.findById(videoId).lean<ItemDoc>(), ctx.models.Video.findById(videoId).lean<VideoDoc>()]);
  if (!item || !video) return;
  const workspace = await findWorkspace(ctx, item.workspaceId);
  if (!workspace) return;
  const viewers = await viewersOf(ctx, workspace, [...(await ancestorsOf(ctx, item)), item]);
  const recipients = recipientsOf(viewers);
  const view = videoView(item, video);
  const actorId = opts.actorId ?? null;
  await ctx.publisher.toItemViewers(workspace._id, recipients, { type: 'video.updated', actorId, data: { id: video._id, status: video.status, progress: view.progress, video: view } });
  if (opts.statusChanged) {
    await ctx.publisher.toItemViewers(workspace._id, recipients, { type: 'item.updated', actorId, data: { item: itemView(item, { access: 'view', manage: false }) } });
  }
}
