import type { AppContext } from '../context.js';
import type { SuggestionView } from '../../shared/schemas/invitations.js';
import type { Page } from '../../shared/schemas/workspaces.js';
import { isVerified, type UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { ownedDomains } from './domain.service.js';

/**
 * People with a verified address at one of the workspace's own company
 * domains who are neither members nor invited, by address. Never anyone of a
 * domain the tree does not hold, never an unverified sign-up. One equality
 * per domain (FerretDB pushes down no `$in`): what is read is the tree's own
 * people, members and pending invitations, whatever else the instance holds.
 */
export async function listSuggestions(ctx: AppContext, workspace: WorkspaceDoc, q: { limit: number; cursor?: string }): Promise<Page<SuggestionView>> {
  const domains = await ownedDomains(ctx, workspace);
  if (domains.length === 0) return { items: [], nextCursor: null };
  const [people, members, invited] = await Promise.all([
    Promise.all(domains.map((emailDomain) => ctx.models.User.find({ emailDomain }, { name: 1, email: 1, emailVerifiedAt: 1 }).lean())).then((rows) => rows.flat()),
    ctx.models.Membership.find({ workspaceId: workspace._id }, { userId: 1 }).lean(),
    ctx.models.Invitation.find({ workspaceId: workspace._id, status: 'sent' }, { email: 1 }).lean(),
  ]);
  const memberIds = new Set(members.map((m) => m.userId));
  const invitedEmails = new Set(invited.map((i) => i.email));
  const candidates = people
    .filter((p) => isVerified(p) && !memberIds.has(p._id) && !invitedEmails.has(p.email) && (!q.cursor || p.email > q.cursor))
    .sort((a, b) => (a.email < b.email ? -1 : 1));
  const page = candidates.slice(0, q.limit);
  return { items: page.map((p) => ({ userId: p._id, name: p.name, email: p.email })), nextCursor: candidates.length > q.limit ? page[page.length - 1]!.email : null };
}

/** Workspaces a person may join because their verified address is at one of their company domains. */
export async function listDomainWorkspaces(ctx: AppContext, user: UserDoc) {
  if (!isVerified(user)) return [];
  const claim = await ctx.models.DomainClaim.findById(user.emailDomain).lean();
  if (!claim) return [];
  const [workspaces, mine] = await Promise.all([
    ctx.models.Workspace.find({ rootId: claim.rootId, 'settings.companyDomains': user.emailDomain }, { name: 1, imageUrl: 1, settings: 1 }).lean(),
    ctx.models.Membership.find({ userId: user._id }, { workspaceId: 1 }).lean(),
  ]);
  const member = new Set(mine.map((m) => m.workspaceId));
  return workspaces.filter((w) => !member.has(w._id)).map((w) => ({ id: w._id, name: w.name, imageUrl: w.imageUrl, requireApproval: w.settings.requireApproval }));
}

/** Whether the person may join this workspace by company domain. */
export async function mayJoinByDomain(ctx: AppContext, workspace: WorkspaceDoc, user: UserDoc): Promise<boolean> {
  if (!isVerified(user) || !workspace.settings.companyDomains.includes(user.emailDomain)) return false;
  return (await ownedDomains(ctx, workspace)).includes(user.emailDomain);
}
