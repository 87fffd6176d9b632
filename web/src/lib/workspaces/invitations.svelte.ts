import type { EventEnvelope } from '$shared/events.js';
import type { InvitationView } from '$shared/schemas/invitations.js';
import { listInvitations } from '../api/invitations.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import { onWorkspaceEvent, type LiveStore } from './events.js';

const PAGE_SIZE = 100;

/** An invitation is shown among the members while it waits (sent) or lapsed (expired, so it can be resent). */
const shown = (inv: InvitationView) => inv.status === 'sent' || inv.status === 'expired';

const newestFirst = (a: InvitationView, b: InvitationView) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0);

/**
 * A workspace's open invitations (Super Admins only), kept live: a new one
 * appears, an accepted or revoked one leaves the list (the accepted person
 * arrives as a member through `member.added`).
 */
export class InvitationsList implements LiveStore {
  items = $state<InvitationView[]>([]);
  loading = $state(true);
  error = $state<Message | null>(null);

  constructor(private readonly workspaceId: string) {}

  async reload() {
    this.loading = true;
    try {
      const [sent, expired] = await Promise.all([
        listInvitations(this.workspaceId, { status: 'sent', limit: PAGE_SIZE }),
        listInvitations(this.workspaceId, { status: 'expired', limit: PAGE_SIZE }),
      ]);
      this.items = [...sent.items, ...expired.items].sort(newestFirst);
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
      throw err;
    } finally {
      this.loading = false;
    }
  }

  upsert(invitation: InvitationView) {
    if (!shown(invitation)) return this.drop(invitation.id);
    const i = this.items.findIndex((x) => x.id === invitation.id);
    if (i >= 0) this.items[i] = invitation;
    else this.items = [invitation, ...this.items].sort(newestFirst);
  }

  drop(id: string) {
    this.items = this.items.filter((x) => x.id !== id);
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      'invitation.created': ({ invitation }) => this.upsert(invitation),
      'invitation.updated': ({ invitation }) => this.upsert(invitation),
      'invitation.revoked': ({ invitation }) => this.drop(invitation.id),
    });
  }
}
