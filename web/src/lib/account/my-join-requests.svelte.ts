import type { EventEnvelope } from '$shared/events.js';
import type { MyJoinRequestView } from '$shared/schemas/invitations.js';
import { listMyJoinRequests } from '../api/invitations.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import type { RealtimeConnection } from '../realtime/socket.svelte.js';
import { onUserEvent } from '../workspaces/events.js';

/**
 * The join requests the signed-in person made that wait for an admin, kept
 * live from their own stream. A request decided while the page is open
 * stays with its decision, so the person sees it arrive.
 */
export class MyJoinRequests {
  items = $state<MyJoinRequestView[]>([]);
  loading = $state(false);
  error = $state<Message | null>(null);

  async load() {
    this.loading = true;
    try {
      const page = await listMyJoinRequests();
      const ids = new Set(page.items.map((r) => r.id));
      this.items = [...page.items, ...this.items.filter((r) => r.status !== 'pending' && !ids.has(r.id))];
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  #place(request: MyJoinRequestView) {
    const i = this.items.findIndex((r) => r.id === request.id);
    if (i >= 0) this.items[i] = request;
    else this.items = [request, ...this.items];
  }

  connect(realtime: RealtimeConnection): () => void {
    return realtime.listen({
      event: (e: EventEnvelope) =>
        onUserEvent(e, {
          'joinRequest.created': ({ request }) => this.#place(request),
          'joinRequest.decided': ({ request }) => this.#place(request),
        }),
    });
  }
}
