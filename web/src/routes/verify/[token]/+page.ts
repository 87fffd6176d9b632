import { loadMe } from '$lib/navigation/session.js';
import type { PageLoad } from './$types';

/** Public: the link of the verification mail opens signed out too; verifying is a state change, so it happens on the page, not in `load`. */
export const load: PageLoad = async ({ fetch, params }) => ({ me: await loadMe(fetch), token: params.token });
