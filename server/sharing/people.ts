import type { AppContext } from '../context.js';
import type { PersonRef } from '../../shared/schemas/content.js';
import { findByIds } from '../db/lookups.js';
import { membershipId } from '../workspaces/membership.model.js';

/**
 * The name and address of people of a workspace, as its screens show them:
 * from their membership there (stored on it when they joined), and from
 * their account for a Super Admin of a workspace above (not a member) or a
 * membership older than those fields. One `_id` lookup each.
 */
export async function peopleOf(ctx: AppContext, workspaceId: string, userIds: Iterable<string>): Promise<Map<string, PersonRef>> {
  const ids = [...new Set(userIds)];
  const memberships = await findByIds(ctx.models.Membership, ids.map((id) => membershipId(workspaceId, id)), { userId: 1, name: 1, email: 1 });
  const people = new Map<string, PersonRef>();
  for (const m of memberships.values()) if (m.name && m.email) people.set(m.userId, { id: m.userId, name: m.name, email: m.email });
  const rest = ids.filter((id) => !people.has(id));
  if (rest.length) for (const u of (await findByIds(ctx.models.User, rest, { name: 1, email: 1 })).values()) people.set(u._id, { id: u._id, name: u.name, email: u.email });
  return people;
}

/** Someone whose account is gone still reads as somebody. */
export const personOr = (people: Map<string, PersonRef>, id: string): PersonRef => people.get(id) ?? { id, name: '', email: '' };
