import { loadMe } from '$lib/navigation/session.js';
import type { PageLoad } from './$types';

/** Signed out, the page offers to sign in or up and come back; signed in, it joins (a state change, so not in `load`). */
export const load: PageLoad = async ({ fetch, params }) => ({ me: await loadMe(fetch), token: params.token });
