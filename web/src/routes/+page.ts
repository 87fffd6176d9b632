import { redirect } from '@sveltejs/kit';
import { loadMe } from '$lib/navigation/session.js';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => {
  redirect(307, (await loadMe(fetch)) ? '/app' : '/signin');
};
