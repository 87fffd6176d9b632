import type { EventEnvelope } from '$shared/events.js';
import type { ItemView } from '$shared/schemas/content.js';
import type { VideoView } from '$shared/schemas/videos.js';
import { getVideo, posterUrl } from '../api/videos.js';
import { onWorkspaceEvent } from '../workspaces/events.js';

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/** What a row of a video shows beside its name: where its render is, and its poster once done. */
export interface VideoRowState {
  status: string;
  progress: number;
  posterUrl: string | null;
}

/**
 * The render state of the videos a list shows, live from `video.updated`.
 * A list row only knows a video's status: the progress of one rendering
 * is read once when it appears, then follows the events.
 */
export class VideoRows {
  #rows = $state<Record<string, VideoRowState>>({});
  #asked = new Set<string>();

  constructor(readonly workspaceId: string) {}

  /** The row state of `item` (a video), from its own status until more is known. */
  of(item: ItemView): VideoRowState {
    const known = this.#rows[item.id];
    const status = item.status ?? 'pending';
    // The events are the newest word, unless the item says the render is over and they do not (one was missed).
    if (known && (known.status === status || !FINISHED.has(status) || FINISHED.has(known.status))) return known;
    return { status, progress: status === 'completed' ? 100 : 0, posterUrl: status === 'completed' ? posterUrl(this.workspaceId, item.id) : null };
  }

  /** Reads the progress of rendering videos the list shows that no event told about yet. */
  watch(items: ItemView[]) {
    for (const item of items) {
      if (item.kind !== 'video' || (item.status !== 'pending' && item.status !== 'processing') || this.#asked.has(item.id)) continue;
      this.#asked.add(item.id);
      getVideo(this.workspaceId, item.id)
        .then((v) => {
          if (!this.#rows[item.id]) this.#set(v);
        })
        .catch(() => {});
    }
  }

  #set(v: VideoView) {
    this.#rows = { ...this.#rows, [v.id]: { status: v.status, progress: v.progress, posterUrl: v.posterUrl } };
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'video.updated': ({ video }) => this.#set(video),
    });
  }
}
