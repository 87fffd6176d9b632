import { ApiError } from '$lib/api/client.js';
import { previewJoinLink } from '$lib/api/invitations.js';
import { loadMe } from '$lib/navigation/session.js';
import type { PageLoad } from './$types';

/**
 * Public: what the link opens (workspace, role, whether approval is needed)
 * shows before signing in; a dead or expired link says so at once. Joining
 * is a state change, so the page does it once signed in, not `load`.
 */
export const load: PageLoad = async ({ fetch, params }) => {
  const [me, preview] = await Promise.all([
    loadMe(fetch),
    previewJoinLink(params.token, fetch).then(
      (p) => ({ preview: p, problem: null }),
      (err: unknown) => {
        const code = err instanceof ApiError ? err.code : null;
        return { preview: null, problem: code === 'not_found' ? ('dead' as const) : code === 'expired' || code === 'revoked' ? ('expired' as const) : null };
      },
    ),
  ]);
  return { me, token: params.token, ...preview };
};
