/**
 * Stable error codes of the HTTP and socket contract (API.md). A client may
 * switch on `code`; the message is for people and may change.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  /** A public video with a password this browser has not given yet. */
  password_required: 401,
  insufficient_credits: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  already_member: 409,
  already_decided: 409,
  seat_limit_reached: 409,
  avatar_slots_exhausted: 409,
  expired: 410,
  revoked: 410,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One field-level problem, as found in `details` of a `validation_failed` error. */
export interface FieldIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
