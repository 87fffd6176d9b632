import { skipIfSignedIn } from '$lib/navigation/session.js';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url }) => {
  await skipIfSignedIn(fetch, url);
};
