import type { ErrorBody, ErrorCode, FieldIssue } from '$shared/errors.js';

/** `network`: the request never got an answer (offline, server down, aborted). */
export type ApiErrorCode = ErrorCode | 'network';

/** A failed API call, with the contract's stable code and the field issues of a 400/409. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly fields: FieldIssue[] = [],
    /** Seconds to wait before trying again (429). */
    readonly retryAfter: number | null = null,
    /** The error's `details` as sent (e.g. who decided a join request first). */
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Fetch = typeof fetch;

const isFieldIssue = (x: unknown): x is FieldIssue =>
  typeof x === 'object' && x !== null && typeof (x as FieldIssue).path === 'string' && typeof (x as FieldIssue).message === 'string';

function retryAfterOf(res: Response, details: unknown): number | null {
  const header = Number(res.headers.get('retry-after'));
  if (Number.isFinite(header) && header > 0) return Math.ceil(header);
  const fromBody = (details as { retryAfter?: unknown } | undefined)?.retryAfter;
  return typeof fromBody === 'number' && fromBody > 0 ? Math.ceil(fromBody) : null;
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> | null = null;
  try {
    body = (await res.json()) as Partial<ErrorBody>;
  } catch {
    /* not JSON (a proxy's error page): fall back on the status */
  }
  const error = body?.error;
  const code: ApiErrorCode = error?.code ?? (res.status === 401 ? 'unauthenticated' : res.status === 404 ? 'not_found' : 'internal');
  const fields = Array.isArray(error?.details) ? error.details.filter(isFieldIssue) : [];
  return new ApiError(res.status, code, error?.message ?? res.statusText, fields, retryAfterOf(res, error?.details), error?.details);
}

/**
 * Calls the JSON API on the same origin with the session cookie. Resolves
 * with the parsed body (undefined for 204); rejects with an `ApiError`.
 * A `FormData` body (a file upload) is sent as multipart, as is.
 */
export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  opts: { body?: unknown; fetch?: Fetch; headers?: Record<string, string> } = {},
): Promise<T> {
  const doFetch = opts.fetch ?? fetch;
  const form = opts.body instanceof FormData ? opts.body : null;
  let res: Response;
  try {
    res = await doFetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(opts.body === undefined || form ? {} : { 'content-type': 'application/json' }), ...opts.headers },
      body: form ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : 'Network error');
  }
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
