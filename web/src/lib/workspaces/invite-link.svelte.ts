import type { EventEnvelope } from '$shared/events.js';
import type { InviteLinkView } from '$shared/schemas/invitations.js';
import { getInviteLink } from '../api/invitations.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import { onWorkspaceEvent, type LiveStore } from './events.js';

/**
 * The workspace's invite link as admins see it: its settings and use count,
 * never its token (stored hashed). The URL is known only to the admin who
 * just created or rotated it, in `revealed`, until they move on.
 */
export class InviteLinkState implements LiveStore {
  link = $state<InviteLinkView | null>(null);
  revealed = $state<string | null>(null);
  loading = $state(true);
  error = $state<Message | null>(null);

  constructor(private readonly workspaceId: string) {}

  async reload() {
    this.loading = true;
    try {
      this.link = (await getInviteLink(this.workspaceId)).link;
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
      throw err;
    } finally {
      this.loading = false;
    }
  }

  async #refresh() {
    if (!this.link) return;
    try {
      this.link = (await getInviteLink(this.workspaceId)).link;
    } catch {
      /* the count stays as it was until the next reload */
    }
  }

  /** After this admin's PUT: the reply is the only time the URL is known. */
  created(view: InviteLinkView) {
    const { url, token: _token, ...safe } = view;
    this.link = safe;
    this.revealed = url ?? null;
  }

  #replaced(link: InviteLinkView | null) {
    if (link === null || link.createdAt !== this.link?.createdAt) this.revealed = null;
    this.link = link;
  }

  apply(e: EventEnvelope) {
    onWorkspaceEvent(e, this.workspaceId, {
      // Another admin rotated or revoked it: the URL shown here died with the old token.
      'inviteLink.created': ({ link }) => this.#replaced(link),
      'inviteLink.rotated': ({ link }) => this.#replaced(link),
      'inviteLink.revoked': () => this.#replaced(null),
      // Someone may have come through the link: its use count moved.
      'member.added': () => void this.#refresh(),
      'joinRequest.created': () => void this.#refresh(),
    });
  }
}
