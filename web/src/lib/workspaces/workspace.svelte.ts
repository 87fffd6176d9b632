import { getContext, setContext } from 'svelte';
import type { EventEnvelope } from '$shared/events.js';
import type { UpdateWorkspace, WorkspaceView } from '$shared/schemas/workspaces.js';
import { can, type Action } from '$shared/permissions.js';
import { ApiError } from '../api/client.js';
import { getWorkspace, updateWorkspace } from '../api/workspaces.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import type { RealtimeConnection } from '../realtime/socket.svelte.js';
import { follow, onUserEvent, onWorkspaceEvent } from './events.js';

/** Why the user can no longer see the workspace. */
export type LostReason = 'removed' | 'left' | 'deleted' | 'gone';

/**
 * The workspace being viewed: its details, seat counter and the user's role,
 * kept live. When access is lost (removed, left, deleted, or a call answers
 * 404) it keeps only the name, so the page shows the notice and no data.
 */
export class WorkspaceState {
  view = $state<WorkspaceView | null>(null);
  error = $state<Message | null>(null);
  lost = $state<{ name: string; reason: LostReason } | null>(null);

  #stop: (() => void) | null = null;

  constructor(
    readonly id: string,
    private readonly fallbackName: () => string,
  ) {}

  can(action: Action) {
    return can(this.view?.role, action);
  }

  get seatsFull() {
    const s = this.view?.seats;
    return s ? s.used + s.reserved >= s.limit : false;
  }

  async load() {
    try {
      this.view = await getWorkspace(this.id);
      this.error = null;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'not_found') this.markLost('gone');
      else this.error = errorMessage(err);
    }
  }

  /** Saves a change of name or settings; the view becomes the workspace as stored. */
  async update(patch: UpdateWorkspace) {
    try {
      this.view = await updateWorkspace(this.id, patch);
    } catch (err) {
      await this.check(err);
      throw err;
    }
  }

  /** The workspace as a call that changed it answered (a billing switch). */
  applyView(view: WorkspaceView) {
    this.view = view;
  }

  /**
   * A workspace call answered 404: either the thing acted on is gone, or the
   * workspace itself is out of reach. Asking for the workspace tells which.
   */
  async check(err: unknown) {
    if (err instanceof ApiError && err.code === 'not_found') await this.load();
  }

  markLost(reason: LostReason, name?: string) {
    this.lost = { name: name ?? this.view?.name ?? this.fallbackName(), reason };
    this.view = null;
    this.#stop?.();
    this.#stop = null;
  }

  connect(realtime: RealtimeConnection): () => void {
    this.#stop = follow(realtime, this.id, { apply: (e) => this.#apply(e), reload: () => this.load() });
    const stopDenied = realtime.listen({
      denied: (id) => {
        if (id === this.id) void this.load();
      },
    });
    return () => {
      stopDenied();
      this.#stop?.();
      this.#stop = null;
    };
  }

  #apply(e: EventEnvelope) {
    onUserEvent(e, {
      'access.revoked': (d) => {
        if (!('itemId' in d) && d.workspaceId === this.id) this.markLost(d.reason, d.workspaceName);
      },
      'member.updated': ({ workspaceId, role }) => {
        if (workspaceId === this.id && this.view) this.view.role = role;
      },
    });
    const view = this.view;
    if (!view) return;
    onWorkspaceEvent(e, this.id, {
      'workspace.updated': (d) => {
        if (d.name !== undefined) view.name = d.name;
        if (d.imageUrl !== undefined) view.imageUrl = d.imageUrl;
        if (d.settings) {
          view.settings = d.settings;
          // Only the root and independent sub-workspaces may have sub-workspaces.
          view.canHaveSubworkspaces = view.parentId === null || d.settings.billingMode === 'independent';
        }
        // A billing switch moves it to another seat pool: the next `seats.updated` of that pool is its own.
        if (d.poolId !== undefined) view.poolId = d.poolId;
      },
      'ownership.transferred': ({ ownerId }) => {
        view.ownerId = ownerId;
      },
      'seats.updated': (d) => {
        if (d.poolId === view.poolId) view.seats = d.seats;
      },
      'member.added': () => view.memberCount++,
      'member.removed': () => view.memberCount--,
    });
  }
}

const KEY = Symbol('workspace');

export const provideWorkspace = (state: WorkspaceState) => setContext(KEY, state);

export function useWorkspace(): WorkspaceState {
  const state = getContext<WorkspaceState | undefined>(KEY);
  if (!state) throw new Error('useWorkspace() outside of a workspace page');
  return state;
}
