/** Where to go after signing in when `next` is missing or unsafe. */
export const DEFAULT_AFTER_SIGNIN = '/app';

/**
 * The `next` of a sign-in link, only when it is a path of this origin
 * (`/…`, not `//host` nor `/\host`), so a crafted link cannot send the user
 * to another site.
 */
export function safeNext(next: string | null, origin: string): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return DEFAULT_AFTER_SIGNIN;
  try {
    const url = new URL(next, origin);
    if (url.origin !== origin) return DEFAULT_AFTER_SIGNIN;
    return url.pathname + url.search + url.hash;
  } catch {
    return DEFAULT_AFTER_SIGNIN;
  }
}

/** `/signin?next=<path>`, keeping slashes readable. */
export function signinUrl(next: string): string {
  return `/signin?next=${encodeURIComponent(next).replaceAll('%2F', '/')}`;
}
