import type { AppContext } from '../context.js';
import type { UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { createRootWorkspace } from '../workspaces/workspace.service.js';
import { grantStartingCredits } from '../credits/credits.service.js';

/** A new account: its root workspace, with the starting credits of the configuration in its ledger. */
export async function createAccount(ctx: AppContext, user: UserDoc, name: string): Promise<WorkspaceDoc> {
  const workspace = await createRootWorkspace(ctx, user, name);
  await grantStartingCredits(ctx, workspace._id);
  return workspace;
}
