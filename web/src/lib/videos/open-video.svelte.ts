import type { EventEnvelope } from '$shared/events.js';
import type { ItemView } from '$shared/schemas/content.js';
import { isFinished, type CaptionTrackView, type PutVideoShare, type VideoDetailView, type VideoShareView } from '$shared/schemas/videos.js';
import { ApiError } from '../api/client.js';
import { cancelVideo, getVideo, getVideoShare, listCaptions, putVideoShare } from '../api/videos.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import type { ItemLoss } from '../workspaces/content-item.svelte.js';
import { onUserEvent, onWorkspaceEvent, type LiveStore } from '../workspaces/events.js';

/** A caption track changed elsewhere: what the player and the editor read again. */
export type TrackChange = { lang: string; track: CaptionTrackView | null };

/**
 * One opened video: its render (status, progress, queue position, credits),
 * its share page settings and its caption tracks, kept live from
 * `video.updated`, `video.share.updated`, `video.captions.updated` and the
 * item's own events. A render that ends is read again (what it cost, when
 * it finished); the queue position of a waiting one is read again when
 * another render of the workspace moves.
 */
export class OpenVideo implements LiveStore {
  view = $state<VideoDetailView | null>(null);
  error = $state<Message | null>(null);
  loss = $state<ItemLoss | null>(null);
  /** The share page settings; null while unread, or to those not allowed to see them. */
  share = $state<VideoShareView | null>(null);
  /** The server would not tell the share settings to this person (or could not): the page shows what it can. */
  shareUnknown = $state(false);
  tracks = $state<CaptionTrackView[]>([]);

  #request = 0;
  #queueTimer: ReturnType<typeof setTimeout> | null = null;
  #trackListeners = new Set<(change: TrackChange) => void>();

  constructor(
    readonly workspaceId: string,
    readonly videoId: string,
  ) {}

  async load() {
    const request = ++this.#request;
    try {
      const view = await getVideo(this.workspaceId, this.videoId);
      if (request !== this.#request) return;
      const first = !this.view;
      this.view = view;
      this.error = null;
      if (first) void this.#loadExtras();
    } catch (err) {
      if (request !== this.#request) return;
      if (err instanceof ApiError && err.code === 'not_found') this.#lose(this.view ? 'revoked' : 'hidden');
      else this.error = errorMessage(err);
    }
  }

  reload() {
    void this.#loadExtras();
    return this.load();
  }

  /** The share settings and the tracks: a refusal of either leaves it empty, the page still shows the video. */
  async #loadExtras() {
    const [share, tracks] = await Promise.allSettled([getVideoShare(this.workspaceId, this.videoId), listCaptions(this.workspaceId, this.videoId)]);
    if (share.status === 'fulfilled') this.share = share.value;
    this.shareUnknown = share.status === 'rejected' && !this.share;
    if (tracks.status === 'fulfilled') this.tracks = sortTracks(tracks.value);
  }

  /** The video as the content item it is, for the share dialog. */
  get item(): ItemView | null {
    const v = this.view;
    if (!v) return null;
    return { id: v.id, kind: 'video', name: v.title, parentId: v.parentId, ownerId: v.ownerId, access: v.access, manage: v.manage, createdAt: v.createdAt, updatedAt: v.completedAt ?? v.createdAt, status: v.status };
  }

  async cancel() {
    const video = await cancelVideo(this.workspaceId, this.videoId);
    if (this.view) this.view = { ...this.view, ...video };
    void this.load();
  }

  async saveShare(patch: PutVideoShare) {
    const share = await putVideoShare(this.workspaceId, this.videoId, patch);
    this.share = share;
    return share;
  }

  /** A track saved or deleted here: the list follows at once (the event that comes back finds it in place). */
  setTrack(lang: string, track: CaptionTrackView | null) {
    const rest = this.tracks.filter((t) => t.lang !== lang);
    this.tracks = sortTracks(track ? [...rest, track] : rest);
  }

  /** Calls `listener` for each track changed by someone else (or another tab); the returned call stops. */
  onTrackChange(listener: (change: TrackChange) => void) {
    this.#trackListeners.add(listener);
    return () => void this.#trackListeners.delete(listener);
  }

  #lose(loss: ItemLoss) {
    this.loss = loss;
    this.view = null;
  }

  #inPath(id: string) {
    return id === this.videoId || (this.view?.path.some((p) => p.id === id) ?? false);
  }

  /** Another render started or ended: where this one waits is asked again, at most twice a second. */
  #queueMoved() {
    if (this.view?.status !== 'pending' || this.#queueTimer) return;
    this.#queueTimer = setTimeout(() => {
      this.#queueTimer = null;
      void this.load();
    }, 500);
  }

  stop() {
    if (this.#queueTimer) clearTimeout(this.#queueTimer);
    this.#queueTimer = null;
    this.#trackListeners.clear();
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'video.updated': ({ id, video }) => {
        const view = this.view;
        if (!view) return;
        if (id !== this.videoId) {
          if (video.status !== view.status || isFinished(video.status)) this.#queueMoved();
          return;
        }
        const ended = !isFinished(view.status) && isFinished(video.status);
        const started = view.status !== video.status;
        // Progress only moves forward within one status (events may overtake a read).
        const progress = video.status === view.status ? Math.max(view.progress, video.progress) : video.progress;
        this.view = { ...view, ...video, progress, queuePosition: video.status === 'pending' ? view.queuePosition : null };
        if (ended || started) void this.load();
        if (ended && video.status === 'completed') void this.#loadExtras();
      },
      'video.share.updated': ({ id, share }) => {
        if (id !== this.videoId) return;
        this.share = share;
        this.shareUnknown = false;
      },
      'video.captions.updated': ({ id, lang, track }) => {
        if (id !== this.videoId) return;
        const known = this.tracks.find((t) => t.lang === lang);
        // Our own save came back: already in place.
        if (known && track && known.updatedAt === track.updatedAt && known.label === track.label) return;
        if (!known && !track) return;
        this.setTrack(lang, track);
        for (const listener of this.#trackListeners) listener({ lang, track });
      },
      'item.updated': ({ item }) => {
        const view = this.view;
        if (!view) return;
        if (item.id === this.videoId) {
          // Each viewer's event carries their own access (the publisher personalises it).
          this.view = { ...view, title: item.name, access: item.access, manage: item.manage };
          if (item.parentId !== view.parentId) void this.load();
        } else if (view.path.some((p) => p.id === item.id)) void this.load();
      },
      'item.sharing.updated': ({ item }) => {
        if (this.#inPath(item.id)) void this.load();
      },
      'item.deleted': ({ itemId }) => {
        if (this.#inPath(itemId)) this.#lose('deleted');
      },
    });
    onUserEvent(e, {
      'access.revoked': (d) => {
        if (!('itemId' in d) || d.workspaceId !== this.workspaceId || !this.#inPath(d.itemId)) return;
        if (d.itemId === this.videoId) this.#lose('revoked');
        else void this.load();
      },
    });
  }
}

const sortTracks = (tracks: CaptionTrackView[]) => [...tracks].sort((a, b) => (a.lang < b.lang ? -1 : a.lang > b.lang ? 1 : 0));
