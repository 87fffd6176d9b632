import { ApiError } from '$lib/api/client.js';
import { errorMessage, fieldMessage } from '$lib/i18n/errors.js';
import type { Message, MessageKey } from '$lib/i18n/index.js';

/** The shared content schema's messages (shared/schemas/content.ts), in our words. */
export const ITEM_MESSAGES: Record<string, MessageKey> = {
  'Name is required': 'validation.itemName.required',
  'Name must be at most 120 characters': 'validation.itemName.tooLong',
  'Name cannot contain control characters': 'validation.itemName.control',
  'A script is at most 100000 characters': 'validation.script.tooLong',
};

/** The server's refusals of a create or a move (server/content/item.service.ts), said with what to do instead. */
const REFUSALS: Array<[RegExp, MessageKey]> = [
  [/^A folder cannot go into a folder inside it/, 'content.error.cycle'],
  [/^A folder cannot go into itself/, 'content.error.itself'],
  [/^Folders nest at most/, 'content.error.depth'],
  [/^Items go into folders only/, 'content.error.notFolder'],
];

/**
 * A failed create, rename, move or delete in words: a field's problem, a
 * refused move, or the generic message of its code. `placing`: the call put
 * an item somewhere (create, move), so a 403 is about that folder.
 */
export function itemErrorMessage(err: unknown, { placing = false } = {}): Message {
  if (err instanceof ApiError) {
    const texts = [err.message, ...err.fields.map((f) => f.message)];
    for (const [pattern, key] of REFUSALS) if (texts.some((m) => pattern.test(m))) return { key };
    const field = err.fields.find((f) => f.path === 'name' || f.path === 'body');
    if (field) return fieldMessage(field.message, ITEM_MESSAGES);
    if (placing && err.code === 'forbidden') return { key: 'content.error.forbiddenHere' };
  }
  return errorMessage(err);
}
