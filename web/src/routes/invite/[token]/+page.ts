import type { InvitationPreview } from '$shared/schemas/invitations.js';
import { api, ApiError } from '$lib/api/client.js';
import { loadMe } from '$lib/navigation/session.js';
import type { PageLoad } from './$types';

export type InvitationProblem = 'not_found' | 'expired' | 'revoked' | 'other';

/** Public: the preview loads signed out too; a dead token is a page of its own, not the error page. */
export const load: PageLoad = async ({ fetch, params }) => {
  const me = await loadMe(fetch);
  try {
    const preview = await api<InvitationPreview>('GET', `/invitations/${encodeURIComponent(params.token)}`, { fetch });
    return { me, token: params.token, preview, problem: null };
  } catch (err) {
    const code = err instanceof ApiError ? err.code : null;
    const problem: InvitationProblem = code === 'not_found' || code === 'expired' || code === 'revoked' ? code : 'other';
    return { me, token: params.token, preview: null, problem, error: err instanceof ApiError ? { code: err.code, retryAfter: err.retryAfter } : null };
  }
};
