import { ApiError } from '../api/client.js';
import type { Message, MessageKey } from './index.js';

/** "Try again in 15 minutes": waits are told in minutes (hours past 90 minutes), never in raw seconds. */
export function waitMessage(retryAfterSeconds: number | null): Message {
  if (retryAfterSeconds === null) return { key: 'error.rate_limited.later' };
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  if (minutes === 1) return { key: 'error.rate_limited.minute' };
  if (minutes <= 90) return { key: 'error.rate_limited.minutes', params: { minutes } };
  return { key: 'error.rate_limited.hours', params: { hours: Math.ceil(minutes / 60) } };
}

/** A message for an error that is not about one field (the form's alert area). */
export function errorMessage(err: unknown): Message {
  if (!(err instanceof ApiError)) return { key: 'error.unknown' };
  switch (err.code) {
    case 'rate_limited':
      return waitMessage(err.retryAfter);
    case 'conflict':
      return { key: CONFLICT_MESSAGES[err.message] ?? 'error.conflict.generic' };
    case 'not_found':
      return err.message === NO_ACCOUNT ? { key: 'error.member_not_found' } : { key: 'error.not_found' };
    case 'already_decided': {
      const d = err.details as { decidedBy?: { name?: string } | null; decision?: string | null } | undefined;
      const name = d?.decidedBy?.name;
      if (name && (d?.decision === 'approved' || d?.decision === 'denied')) return { key: `error.already_decided.${d.decision}`, params: { name } };
      return { key: 'error.already_decided' };
    }
    case 'insufficient_credits':
      return { key: 'error.insufficient_credits' };
    case 'expired':
    case 'revoked':
    case 'invalid_credentials':
    case 'seat_limit_reached':
    case 'avatar_slots_exhausted':
    case 'already_member':
    case 'too_large':
    case 'validation_failed':
    case 'unauthenticated':
    case 'forbidden':
    case 'network':
      return { key: `error.${err.code}` };
    default:
      return { key: 'error.unknown' };
  }
}

/**
 * A 402 of an allocation: the pool above lacks credits of a kind. Said with
 * what it has left ("The parent workspace has only 120 generative credits
 * left") from the error's details — `{ kind, available }` — or, when the
 * server words it otherwise, with `known`, what the screen last saw the
 * parent hold; the server's own sentence is the last resort. `format`
 * writes the number as the screen's language does.
 */
export function parentShortMessage(err: unknown, known?: { kind: 'generative' | 'api'; available: number }, format: (n: number) => string = String): Message {
  if (!(err instanceof ApiError) || err.code !== 'insufficient_credits') return errorMessage(err);
  const d = (err.details ?? {}) as Record<string, unknown>;
  const kind = d.kind === 'generative' || d.kind === 'api' ? d.kind : null;
  const left = [d.available, d.left, d.remaining].find((v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0);
  if (kind && left !== undefined) return { key: `error.insufficient_credits.parent.${kind}`, params: { count: format(left) } };
  if (known) return { key: `error.insufficient_credits.parent.${known.kind}`, params: { count: format(known.available) } };
  return err.message ? { text: err.message } : { key: 'error.insufficient_credits' };
}

const NO_ACCOUNT = 'No account uses this email yet. Invite them by email instead.';

/** The server's 409 `conflict` messages, each said in our words; an unknown one gets a generic message. */
const CONFLICT_MESSAGES: Record<string, MessageKey> = {
  'An account with this email already exists. Sign in instead.': 'error.conflict',
  'The owner is always a Super Admin. Transfer ownership first.': 'error.conflict.ownerRole',
  'You own this workspace. Transfer ownership before leaving.': 'error.conflict.ownerLeave',
  'The owner cannot be removed. Transfer ownership first.': 'error.conflict.ownerRemove',
  'You already own this workspace': 'error.conflict.alreadyOwner',
  'A sub-workspace that uses its parent’s billing cannot have sub-workspaces. Make it independent first.': 'error.conflict.noSubworkspaces',
  'This workspace uses its parent’s seats. Add seats to the parent workspace.': 'error.conflict.parentSeats',
  'This invitation was already accepted; remove the member instead': 'error.conflict.invitationUsed',
  'This invitation was accepted; send a new one instead': 'error.conflict.invitationUsed',
  'This invitation was revoked; send a new one instead': 'error.conflict.invitationRevoked',
  'A newer invitation for this address is pending': 'error.conflict.newerInvitation',
};

/** Why one line of an invitation batch was not sent, in our words. */
export function invitationFailureMessage(failure: { code: string; message: string }): Message {
  switch (failure.code) {
    case 'conflict':
      return { key: failure.message === 'This address appears twice in the list' ? 'invite.fail.duplicate' : 'invite.fail.conflict' };
    case 'validation_failed':
    case 'already_member':
    case 'seat_limit_reached':
    case 'rate_limited':
      return { key: `invite.fail.${failure.code}` };
    default:
      return { key: 'invite.fail.unknown' };
  }
}

/**
 * The schema messages of `shared/schemas` (checked in the browser and sent
 * back by the server in `details`), and zod's own defaults, in our words.
 */
const FIELD_MESSAGES: Record<string, MessageKey> = {
  'Enter a valid email address': 'validation.email.invalid',
  'Invalid email address': 'validation.email.invalid',
  'Email is too long': 'validation.email.tooLong',
  'This email is already registered': 'validation.email.taken',
  'Name is required': 'validation.name.required',
  'Name must be at most 100 characters': 'validation.name.tooLong',
  'Password is required': 'validation.password.required',
  'Password must be at least 8 characters': 'validation.password.tooShort',
  'Password must be at most 256 characters': 'validation.password.tooLong',
  'Name must be at most 80 characters': 'validation.workspaceName.tooLong',
  'No account with this email': 'validation.email.noAccount',
  'Enter a domain such as example.com': 'validation.domain.invalid',
  'Public email domains cannot be company domains': 'validation.domain.public',
  'At most 20 domains': 'validation.domain.tooMany',
  'Add at least 1 seat': 'validation.seats.min',
  'Whole seats only': 'validation.seats.whole',
  'At most 1000 seats at once': 'validation.seats.max',
  'At most 100 members at once': 'validation.members.tooMany',
  'At most 100 invitations at once': 'invite.tooMany',
  'At least 1 use': 'validation.invalid',
  'The file is not a PNG, JPEG or WebP image': 'validation.image.notImage',
  'Choose an image file (PNG, JPEG or WebP)': 'validation.image.missing',
};

/** The server's refusals of a company domain (403 not verified there, 409 another organisation's), naming the domain. */
const DOMAIN_MESSAGES: Array<[RegExp, MessageKey]> = [
  [/^To add (\S+), sign in with a verified address at \1\.$/, 'validation.domain.unverified'],
  [/^(\S+) is already used by another organisation\.$/, 'validation.domain.taken'],
];

/**
 * A field's message; the server's own text only when we do not know it.
 * `overrides` words a shared message for one form (a workspace's "Name is
 * required" is not about the person's name).
 */
export function fieldMessage(message: string, overrides: Record<string, MessageKey> = {}): Message {
  const key = overrides[message] ?? FIELD_MESSAGES[message];
  if (key) return { key };
  for (const [pattern, patternKey] of DOMAIN_MESSAGES) {
    const domain = pattern.exec(message)?.[1];
    if (domain) return { key: patternKey, params: { domain } };
  }
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return { key: 'validation.required' };
  if (/^Invalid input/.test(message)) return { key: 'validation.invalid' };
  return { text: message };
}

/** For forms with a workspace's name: the shared "Name is required" is not about the person. */
export const WORKSPACE_NAME_MESSAGES: Record<string, MessageKey> = { 'Name is required': 'validation.workspaceName.required' };

/** Why a billing switch was refused, with what is missing (the server's `details`), and what to do. */
export function billingModeErrorMessage(err: unknown): Message {
  if (err instanceof ApiError) {
    const d = (err.details ?? {}) as { needed?: unknown; free?: unknown; available?: unknown };
    if (err.code === 'seat_limit_reached' && typeof d.needed === 'number' && typeof d.free === 'number') {
      return { key: 'billingMode.error.seats', params: { needed: d.needed, free: d.free, more: Math.max(1, d.needed - d.free) } };
    }
    if (err.code === 'conflict' && typeof d.needed === 'number' && typeof d.available === 'number') return { key: 'billingMode.error.slots', params: { needed: d.needed, available: d.available } };
    if (err.code === 'conflict' && err.message.startsWith('This workspace has sub-workspaces')) return { key: 'billingMode.error.hasSubworkspaces' };
    if (err.code === 'conflict' && err.message.startsWith('The account workspace always')) return { key: 'billingMode.error.root' };
  }
  return errorMessage(err);
}

/** Why avatar slots were refused: what the parent has left, or what this workspace has given below. */
export function avatarSlotsErrorMessage(err: unknown): Message | null {
  if (!(err instanceof ApiError) || err.code !== 'conflict') return null;
  const d = (err.details ?? {}) as { available?: unknown; given?: unknown };
  if (typeof d.available === 'number') return { key: 'slots.error.parent', params: { available: d.available } };
  if (typeof d.given === 'number') return { key: 'slots.error.given', params: { given: d.given } };
  return null;
}
