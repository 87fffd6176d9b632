import mongoose from 'mongoose';
import { findByIds } from '../db/lookups.js';
import type { AppContext } from '../context.js';
import { AppError, conflict, forbidden } from '../http/errors.js';
import { isDuplicateKey } from '../db/claims.js';
import { isVerified, type UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';

const FIELD = 'settings.companyDomains';
const fieldError = (error: AppError, message: string) => Object.assign(error, { details: [{ path: FIELD, message }] });

/**
 * Claims the domains a Super Admin adds to a workspace's company domains. A
 * domain counts only once the workspace showed it owns it: the acting admin
 * has a verified address at that very domain, and no other account tree
 * holds it. Nothing is claimed unless every added domain passes.
 */
export async function claimDomains(ctx: AppContext, workspace: Pick<WorkspaceDoc, 'rootId'>, actor: UserDoc, added: string[]) {
  for (const domain of added) {
    if (!isVerified(actor) || actor.emailDomain !== domain) {
      const message = `To add ${domain}, sign in with a verified address at ${domain}.`;
      throw fieldError(forbidden(message), message);
    }
  }
  const claimed: string[] = [];
  try {
    for (const domain of added) {
      try {
        await ctx.models.DomainClaim.create({ _id: domain, rootId: workspace.rootId, claimedBy: actor._id, at: ctx.now() });
        claimed.push(domain);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const holder = await ctx.models.DomainClaim.findById(domain).lean();
        if (holder?.rootId !== workspace.rootId) {
          const message = `${domain} is already used by another organisation.`;
          throw fieldError(conflict(message), message);
        }
      }
    }
  } catch (err) {
    await ctx.models.DomainClaim.deleteMany({ _id: mongoose.trusted({ $in: claimed }) });
    throw err;
  }
}

/** Gives domains back once no workspace of the tree lists them any more. */
export async function releaseDomains(ctx: AppContext, rootId: string, domains: string[]) {
  for (const domain of domains) {
    if (await ctx.models.Workspace.exists({ rootId, 'settings.companyDomains': domain })) continue;
    await ctx.models.DomainClaim.deleteOne({ _id: domain, rootId });
  }
}

/** The workspace's company domains that its tree really holds: only these suggest people or let them join. */
export async function ownedDomains(ctx: AppContext, workspace: Pick<WorkspaceDoc, 'rootId' | 'settings'>): Promise<string[]> {
  const listed = workspace.settings.companyDomains;
  if (listed.length === 0) return [];
  const claims = await findByIds(ctx.models.DomainClaim, listed, { rootId: 1 });
  return listed.filter((d) => claims.get(d)?.rootId === workspace.rootId);
}
