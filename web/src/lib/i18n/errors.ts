import { ApiError } from '../api/client.js';
import type { Message, MessageKey } from './index.js';

/** A message for an error that is not about one field (the form's alert area). */
export function errorMessage(err: unknown): Message {
  if (!(err instanceof ApiError)) return { key: 'error.unknown' };
  switch (err.code) {
    case 'rate_limited':
      if (err.retryAfter === null) return { key: 'error.rate_limited.later' };
      return err.retryAfter === 1 ? { key: 'error.rate_limited.one' } : { key: 'error.rate_limited', params: { seconds: err.retryAfter } };
    case 'invalid_credentials':
    case 'conflict':
    case 'validation_failed':
    case 'unauthenticated':
    case 'forbidden':
    case 'not_found':
    case 'network':
      return { key: `error.${err.code}` };
    default:
      return { key: 'error.unknown' };
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
};

/** A field's message; the server's own text only when we do not know it. */
export function fieldMessage(message: string): Message {
  const key = FIELD_MESSAGES[message];
  if (key) return { key };
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return { key: 'validation.required' };
  if (/^Invalid input/.test(message)) return { key: 'validation.invalid' };
  return { text: message };
}
