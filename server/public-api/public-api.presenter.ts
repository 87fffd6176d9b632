import type { AppContext } from '../context.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import type { LedgerEntryDoc } from '../credits/ledger.model.js';
import { balanceOf } from '../credits/ledger.service.js';

/**
 * `GET /api/v1/workspace`: the workspace the key acts for and its balances;
 * the API balance is the one right after this call's own charge.
 */
export async function presentPublicWorkspace(ctx: AppContext, w: WorkspaceDoc, charge: LedgerEntryDoc) {
  return { id: w._id, name: w.name, credits: { generative: await balanceOf(ctx, w._id, 'generative'), api: { available: charge.balanceAfter, held: charge.heldAfter } } };
}
