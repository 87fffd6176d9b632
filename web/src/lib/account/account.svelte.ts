import { getContext, setContext } from 'svelte';
import type { MeView, UserView } from '$shared/schemas/auth.js';
import type { EventEnvelope } from '$shared/events.js';
import { getMe, resendVerification } from '../api/auth.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import type { RealtimeConnection } from '../realtime/socket.svelte.js';
import { onUserEvent } from '../workspaces/events.js';

/**
 * The signed-in person as the app shell shows them. Their address counts as
 * verified once `user.verified` arrives (the link may be opened in another
 * tab or browser), so every tab drops its banner at once.
 */
export class Account {
  user: UserView = $state()!;
  features: MeView['features'] = $state()!;
  /** The verification mail is being sent again, was sent, or could not be. */
  resend = $state<{ status: 'idle' | 'sending' | 'sent' | 'failed'; error: Message | null }>({ status: 'idle', error: null });

  constructor(me: MeView) {
    this.user = me.user;
    this.features = me.features;
  }

  /** Reads `/me` again (after a dropped connection, a `user.verified` may have been missed). */
  async refresh() {
    try {
      const me = await getMe();
      this.user = me.user;
      this.features = me.features;
    } catch {
      /* the next event or reload brings it; a dead session is handled by the connection */
    }
  }

  /** Mails a new link; the older ones stop working. Rate limited: the wait comes in the error. */
  async resendVerification() {
    if (this.resend.status === 'sending') return;
    this.resend = { status: 'sending', error: null };
    try {
      await resendVerification();
      this.resend = { status: 'sent', error: null };
    } catch (err) {
      this.resend = { status: 'failed', error: errorMessage(err) };
    }
  }

  connect(realtime: RealtimeConnection): () => void {
    return realtime.listen({ event: (e) => this.#apply(e) });
  }

  #apply(e: EventEnvelope) {
    onUserEvent(e, {
      'user.verified': ({ user }) => {
        if (user.id === this.user.id) this.user = user;
      },
    });
  }
}

const KEY = Symbol('account');

export const provideAccount = (account: Account) => setContext(KEY, account);

export function useAccount(): Account {
  const account = getContext<Account | undefined>(KEY);
  if (!account) throw new Error('useAccount() outside of the app shell');
  return account;
}
