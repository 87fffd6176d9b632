import type { AppContext } from '../context.js';
import type { Role } from '../../shared/schemas/auth.js';
import type { InvitationView } from '../../shared/schemas/invitations.js';
import type { MemberView } from '../../shared/schemas/workspaces.js';
import { AppError } from '../http/errors.js';
import type { UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { addMembership } from '../workspaces/member.service.js';
import { isInAccountTree } from '../workspaces/membership.service.js';
import { createInvitations } from '../invitations/invitation.service.js';

export type AddPersonResult = { member: MemberView } | { invitation: InvitationView };

/**
 * Adds someone to a workspace by email. Nobody is put anywhere without
 * consent: people already in this account tree are added at once; anyone
 * else gets an invitation to accept or decline, and the reply is the same
 * whether or not the address has an account here (it tells a stranger nothing).
 */
export async function addPersonByEmail(ctx: AppContext, workspace: WorkspaceDoc, actor: UserDoc, email: string, role: Role): Promise<AddPersonResult> {
  const user = await ctx.models.User.findOne({ email }).lean();
  if (user && (await isInAccountTree(ctx, user._id, workspace.rootId))) return { member: await addMembership(ctx, workspace, user, role, actor._id) };
  const { created, failed } = await createInvitations(ctx, workspace, actor, [{ email, role }]);
  if (created[0]) return { invitation: created[0] };
  const why = failed[0]!;
  throw new AppError(why.code as AppError['code'], why.message, why.code === 'validation_failed' ? [{ path: 'email', message: why.message }] : undefined);
}
