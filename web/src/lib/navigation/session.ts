import { error, redirect } from '@sveltejs/kit';
import type { MeView } from '$shared/schemas/auth.js';
import { getMe } from '../api/auth.js';
import { ApiError, type Fetch } from '../api/client.js';
import { safeNext, signinUrl } from './next.js';

/** The signed-in user, or null when signed out; other failures become the error page. */
export async function loadMe(fetch: Fetch): Promise<MeView | null> {
  try {
    return await getMe(fetch);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'unauthenticated') return null;
    if (err instanceof ApiError && err.code === 'network') error(503, { message: err.message, key: 'error.network' });
    throw err;
  }
}

/** For pages behind sign-in: the user, or a redirect to sign in and come back. */
export async function requireMe(fetch: Fetch, url: URL): Promise<MeView> {
  const me = await loadMe(fetch);
  if (!me) redirect(307, signinUrl(url.pathname + url.search));
  return me;
}

/** For the sign-in and sign-up pages: a signed-in visitor goes straight on. */
export async function skipIfSignedIn(fetch: Fetch, url: URL): Promise<void> {
  if (await loadMe(fetch)) redirect(307, safeNext(url.searchParams.get('next'), url.origin));
}
