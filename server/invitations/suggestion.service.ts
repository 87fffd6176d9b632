import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { SuggestionView } from '../../shared/schemas/invitations.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * People who signed up with one of the workspace's company domains and are
 * neither members nor invited. Never anyone of another domain.
 */
export async function listSuggestions(ctx: AppContext, workspace: WorkspaceDoc, limit = 50): Promise<SuggestionView[]> {
  const domains = workspace.settings.companyDomains;
  if (domains.length === 0) return [];
  const pattern = `@(${domains.map(escapeRegex).join('|')})$`;
  const [people, members, invited] = await Promise.all([
    ctx.models.User.find({ email: mongoose.trusted({ $regex: pattern }) }, { name: 1, email: 1 }).sort({ email: 1 }).limit(1000).lean(),
    ctx.models.Membership.find({ workspaceId: workspace._id }, { userId: 1 }).lean(),
    ctx.models.Invitation.find({ workspaceId: workspace._id, status: 'sent' }, { email: 1 }).lean(),
  ]);
  const memberIds = new Set(members.map((m) => m.userId));
  const invitedEmails = new Set(invited.map((i) => i.email));
  return people
    .filter((p) => !memberIds.has(p._id) && !invitedEmails.has(p.email) && domains.includes(p.email.split('@')[1]!))
    .slice(0, limit)
    .map((p) => ({ userId: p._id, name: p.name, email: p.email }));
}

/** Workspaces a person may ask to join because their email's domain is one of its company domains. */
export async function listDomainWorkspaces(ctx: AppContext, userId: string, email: string) {
  const domain = email.split('@')[1]!;
  const [workspaces, mine] = await Promise.all([
    ctx.models.Workspace.find({ 'settings.companyDomains': domain }, { name: 1, imageUrl: 1, settings: 1 }).lean(),
    ctx.models.Membership.find({ userId }, { workspaceId: 1 }).lean(),
  ]);
  const member = new Set(mine.map((m) => m.workspaceId));
  return workspaces.filter((w) => !member.has(w._id)).map((w) => ({ id: w._id, name: w.name, imageUrl: w.imageUrl, requireApproval: w.settings.requireApproval }));
}
