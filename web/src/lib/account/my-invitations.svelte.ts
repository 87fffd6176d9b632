import { getContext, setContext } from 'svelte';
import type { EventEnvelope } from '$shared/events.js';
import type { IncomingInvitationView } from '$shared/schemas/invitations.js';
import { acceptMyInvitation, declineMyInvitation, listMyInvitations } from '../api/invitations.js';
import { ApiError } from '../api/client.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import type { RealtimeConnection } from '../realtime/socket.svelte.js';
import { onUserEvent } from '../workspaces/events.js';

export type InvitationAnswer = 'accept' | 'decline';

/**
 * The invitations addressed to the signed-in person (shown only once their
 * address is verified), kept live from their own stream. An invitation that
 * ends while the page is open (accepted or declined here or in another tab,
 * withdrawn, expired) stays in `items` with its new status, so the page can
 * say what happened instead of just dropping it.
 */
export class MyInvitations {
  items = $state<IncomingInvitationView[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<Message | null>(null);
  /** Answers in flight or refused, by invitation id. */
  answers = $state<Record<string, { pending?: InvitationAnswer; error?: Message }>>({});

  get waiting() {
    return this.items.filter((i) => i.status === 'sent');
  }

  get ended() {
    return this.items.filter((i) => i.status !== 'sent');
  }

  async load() {
    this.loading = true;
    try {
      const page = await listMyInvitations();
      const ids = new Set(page.items.map((i) => i.id));
      this.items = [...page.items, ...this.ended.filter((i) => !ids.has(i.id))];
      this.error = null;
      this.loaded = true;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  /**
   * Accepts or declines. Resolves to the workspace joined (accept) or null.
   * An invitation that ended meanwhile is shown as it is now.
   */
  async answer(invitationId: string, answer: InvitationAnswer): Promise<string | null> {
    if (this.answers[invitationId]?.pending) return null;
    this.answers[invitationId] = { pending: answer };
    try {
      if (answer === 'accept') {
        const { workspaceId } = await acceptMyInvitation(invitationId);
        this.#setStatus(invitationId, 'accepted');
        delete this.answers[invitationId];
        return workspaceId;
      }
      await declineMyInvitation(invitationId);
      this.#setStatus(invitationId, 'declined');
      delete this.answers[invitationId];
      return null;
    } catch (err) {
      this.answers[invitationId] = { error: errorMessage(err) };
      if (err instanceof ApiError && (err.code === 'revoked' || err.code === 'expired' || err.code === 'not_found')) void this.load();
      return null;
    }
  }

  #setStatus(id: string, status: IncomingInvitationView['status']) {
    const inv = this.items.find((i) => i.id === id);
    if (inv) inv.status = status;
  }

  #upsert(invitation: IncomingInvitationView) {
    const i = this.items.findIndex((x) => x.id === invitation.id);
    if (i >= 0) this.items[i] = invitation;
    else if (invitation.status === 'sent') this.items = [invitation, ...this.items];
  }

  connect(realtime: RealtimeConnection): () => void {
    return realtime.listen({ event: (e) => this.#apply(e) });
  }

  #apply(e: EventEnvelope) {
    onUserEvent(e, {
      'invitation.created': ({ invitation }) => this.#upsert(invitation),
      'invitation.updated': ({ invitation }) => this.#upsert(invitation),
      // Invitations show in the app only for a verified address: now they do.
      'user.verified': () => {
        if (this.loaded) void this.load();
      },
    });
  }
}

const KEY = Symbol('my-invitations');

export const provideMyInvitations = (store: MyInvitations) => setContext(KEY, store);

export function useMyInvitations(): MyInvitations {
  const store = getContext<MyInvitations | undefined>(KEY);
  if (!store) throw new Error('useMyInvitations() outside of the app shell');
  return store;
}
