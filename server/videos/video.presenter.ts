import type { Resolution } from '../../shared/access.js';
import { isFinished, type VideoDetailView, type VideoView } from '../../shared/schemas/videos.js';
import type { ItemDoc } from '../content/item.model.js';
import { itemRef } from '../content/item.presenter.js';
import { fileUrlOf, posterUrlOf } from './video-urls.js';
import type { VideoDoc } from './video.model.js';

/**
 * How a video reads: the render's state and results. The hold shows while
 * the render runs (0 once it is over); the charge once it is over.
 */
export function videoView(item: Pick<ItemDoc, 'name'>, v: VideoDoc): VideoView {
  const over = isFinished(v.status);
  return {
    id: v._id,
    title: item.name,
    status: v.status,
    progress: v.status === 'completed' ? 100 : Math.max(0, Math.min(100, Math.round(v.progress))),
    durationSeconds: v.durationSeconds,
    creditsHeld: over ? 0 : v.creditsHeld,
    creditsCharged: over ? (v.creditsCharged ?? 0) : null,
    fileUrl: v.status === 'completed' ? fileUrlOf(v) : null,
    posterUrl: v.status === 'completed' ? posterUrlOf(v) : null,
    ...(v.status === 'failed' && v.error ? { error: v.error } : {}),
  };
}

const lookRef = (a: { id: string; name: string } | null) => (a ? { id: a.id, name: a.name } : null);

/** The video page: the view, where it sits, what it was made from, and the caller's access. */
export function videoDetailView(
  item: ItemDoc,
  v: VideoDoc,
  resolution: Pick<Resolution, 'access' | 'manage'>,
  ancestors: ItemDoc[],
  queuePosition: number | null,
): VideoDetailView {
  return {
    ...videoView(item, v),
    parentId: item.parentId,
    path: ancestors.map(itemRef),
    ownerId: item.ownerId,
    createdBy: v.createdBy,
    script: v.script,
    language: v.language,
    estimatedSeconds: v.estimatedSeconds,
    avatar: lookRef(v.look.avatar),
    voice: lookRef(v.look.voice),
    brandKit: lookRef(v.look.brandKit),
    queuePosition: v.status === 'pending' ? queuePosition : null,
    access: resolution.access,
    manage: resolution.manage,
    createdAt: v.createdAt.toISOString(),
    completedAt: v.completedAt ? v.completedAt.toISOString() : null,
  };
}
