import type { AppContext } from '../context.js';
import type { Role } from '../../shared/schemas/auth.js';
import { AppError, forbidden } from '../http/errors.js';
import type { UserDoc } from '../accounts/user.model.js';
import { markVerified } from '../accounts/email-verification.service.js';
import { transferSeat, withPersonSeat } from '../workspaces/seat.service.js';
import { releaseSeatIfUnused } from '../workspaces/pool-move.js';
import { userHolder } from '../workspaces/seat.model.js';
import { announceSeats } from '../workspaces/seat-events.js';
import { addMembership } from '../workspaces/member.service.js';
import { membershipId } from '../workspaces/membership.model.js';
import type { InvitationDoc } from '../invitations/invitation.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { announceAccepted, closeInvitation, decide, endedError, holderOf, openOwnInvitation, openToken, releaseInvitationSeat, undecide } from '../invitations/invitation.service.js';

/**
 * Accepting an invitation, exactly once however many tabs or clicks race:
 * the acceptance is claimed first (one 200; the others 410), then the seat
 * reserved for the invitation becomes the person's (reserved → used), then
 * they become a member. When that cannot be completed, the claim and the
 * seat are given back so the invitation stays usable.
 */
async function accept(ctx: AppContext, inv: InvitationDoc, workspace: WorkspaceDoc, user: UserDoc): Promise<{ workspaceId: string; role: Role }> {
  const earlier = await decide(ctx, inv, 'accepted', user._id);
  if (earlier) throw endedError(earlier.outcome);
  let moved = false;
  let role: Role = inv.role;
  try {
    await addMembership(ctx, workspace, user, inv.role, user._id, {
      beforeSeat: async () => {
        moved = await transferSeat(ctx, inv.poolId, holderOf(inv), userHolder(user._id));
      },
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'already_member') {
      role = (await ctx.models.Membership.findById(membershipId(workspace._id, user._id)).lean())?.role ?? role;
    } else {
      if (moved && !(await ctx.models.Membership.exists({ userId: user._id, poolId: inv.poolId }))) await transferSeat(ctx, inv.poolId, userHolder(user._id), holderOf(inv));
      await undecide(ctx, inv);
      throw err;
    }
  }
  const closed = await closeInvitation(ctx, inv, 'accepted', user._id);
  // A billing switch of the workspace meanwhile: the seat handed over stays only if the membership draws from its pool, and the seat a switch reserved for the invitation elsewhere goes.
  if (moved) await withPersonSeat(ctx, inv.poolId, user._id, () => releaseSeatIfUnused(ctx, inv.poolId, user._id));
  const freed = await releaseInvitationSeat(ctx, inv);
  if (moved) await announceSeats(ctx, inv.poolId, user._id);
  for (const poolId of freed.filter((p) => p !== inv.poolId || !moved)) await announceSeats(ctx, poolId, user._id);
  await announceAccepted(ctx, closed, workspace, user);
  return { workspaceId: workspace._id, role };
}

/**
 * From the mail's link: the signed-in account must be the invited address.
 * Having the link proves the mailbox, so the address counts as verified.
 */
export async function acceptInvitationByToken(ctx: AppContext, token: string, user: UserDoc) {
  const { inv, workspace } = await openToken(ctx, token);
  if (user.email !== inv.email) throw forbidden(`This invitation was sent to ${inv.email}. Sign in with that account to accept it.`);
  const result = await accept(ctx, inv, workspace, user);
  await markVerified(ctx, user);
  return result;
}

/** From the app (notification, home page): only the invited, verified account sees the invitation at all. */
export async function acceptOwnInvitation(ctx: AppContext, invitationId: string, user: UserDoc) {
  const { inv, workspace } = await openOwnInvitation(ctx, invitationId, user);
  return accept(ctx, inv, workspace, user);
}
