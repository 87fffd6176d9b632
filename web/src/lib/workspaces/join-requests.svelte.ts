import type { EventEnvelope } from '$shared/events.js';
import type { Role } from '$shared/schemas/auth.js';
import type { JoinRequestView } from '$shared/schemas/invitations.js';
import { approveJoinRequest, denyJoinRequest, listJoinRequests } from '../api/invitations.js';
import { ApiError } from '../api/client.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import { onWorkspaceEvent, type LiveStore } from './events.js';

const HISTORY_SIZE = 20;

export type Decision = 'approve' | 'deny';

/**
 * A workspace's join requests (Super Admins only): those waiting for a
 * decision, how many wait in all (the server's count, also beyond the pages
 * loaded), and — on the Requests tab — the latest decided ones. A decision
 * made anywhere (another admin, the notifications panel) moves the request
 * live.
 */
export class JoinRequestsList implements LiveStore {
  pending = $state<JoinRequestView[]>([]);
  pendingCursor = $state<string | null>(null);
  pendingCount = $state<number | null>(null);
  history = $state<JoinRequestView[]>([]);
  loading = $state<'first' | 'more' | null>('first');
  error = $state<Message | null>(null);
  /** The decision on its way, and the last one refused (with why). */
  deciding = $state<{ id: string; kind: Decision } | null>(null);
  decideError = $state<Message | null>(null);

  constructor(
    private readonly workspaceId: string,
    /** The Members tab shows only who waits; the Requests tab also what was decided. */
    private readonly opts: { history: boolean } = { history: true },
  ) {}

  async reload() {
    this.loading = 'first';
    try {
      const [pending, approved, denied] = await Promise.all([
        listJoinRequests(this.workspaceId, { status: 'pending', limit: 50 }),
        this.opts.history ? listJoinRequests(this.workspaceId, { status: 'approved', limit: HISTORY_SIZE }) : null,
        this.opts.history ? listJoinRequests(this.workspaceId, { status: 'denied', limit: HISTORY_SIZE }) : null,
      ]);
      this.pending = pending.items;
      this.pendingCursor = pending.nextCursor;
      this.pendingCount = pending.pendingCount;
      this.history = [...(approved?.items ?? []), ...(denied?.items ?? [])].sort(byDecision).slice(0, HISTORY_SIZE);
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
      throw err;
    } finally {
      this.loading = null;
    }
  }

  async loadMore() {
    if (!this.pendingCursor || this.loading) return;
    this.loading = 'more';
    try {
      const page = await listJoinRequests(this.workspaceId, { status: 'pending', limit: 50, cursor: this.pendingCursor });
      const known = new Set(this.pending.map((r) => r.id));
      this.pending = [...this.pending, ...page.items.filter((r) => !known.has(r.id))];
      this.pendingCursor = page.nextCursor;
      this.pendingCount = page.pendingCount;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = null;
    }
  }

  /**
   * Approves (with the role chosen) or denies. When another admin decided
   * first, the list is read again so it shows the request as it is now.
   * Resolves to the error, if any, so the caller may check for a lost workspace.
   */
  async decide(request: JoinRequestView, kind: Decision, role?: Role): Promise<unknown> {
    if (this.deciding) return null;
    this.decideError = null;
    this.deciding = { id: request.id, kind };
    try {
      this.place(kind === 'approve' ? await approveJoinRequest(this.workspaceId, request.id, role ?? request.role) : await denyJoinRequest(this.workspaceId, request.id));
      return null;
    } catch (err) {
      this.decideError = errorMessage(err);
      if (err instanceof ApiError && err.code === 'already_decided') await this.reload().catch(() => {});
      return err;
    } finally {
      this.deciding = null;
    }
  }

  /** Puts a request where its status says (after this user's decision, or an event). */
  place(request: JoinRequestView, pendingCount?: number) {
    const wasPending = this.pending.some((r) => r.id === request.id);
    this.pending = this.pending.filter((r) => r.id !== request.id);
    this.history = this.history.filter((r) => r.id !== request.id);
    if (request.status === 'pending') this.pending = [request, ...this.pending];
    else if (this.opts.history) this.history = [request, ...this.history].slice(0, HISTORY_SIZE);
    if (pendingCount !== undefined) this.pendingCount = pendingCount;
    else if (this.pendingCount !== null && wasPending && request.status !== 'pending') this.pendingCount = Math.max(0, this.pendingCount - 1);
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'joinRequest.created': ({ request, pendingCount }) => this.place(request, pendingCount),
      'joinRequest.decided': ({ request, pendingCount }) => this.place(request, pendingCount),
    });
  }
}

const byDecision = (a: JoinRequestView, b: JoinRequestView) => ((a.decidedAt ?? '') < (b.decidedAt ?? '') ? 1 : -1);
