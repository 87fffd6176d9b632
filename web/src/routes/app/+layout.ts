import { requireMe } from '$lib/navigation/session.js';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = async ({ fetch, url }) => ({ me: await requireMe(fetch, url) });
