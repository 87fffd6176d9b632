import type { AppContext } from '../context.js';
import type { CreateSubworkspace } from '../../shared/schemas/workspaces.js';
import { AppError } from '../http/errors.js';
import type { UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { announceSubworkspaceCreated, createSubworkspaceRecord } from '../workspaces/workspace.service.js';
import { addPersonByEmail } from './add-person.js';

/**
 * Creates a sub-workspace with its first people: those already in the
 * account tree join at once, everyone else is invited (with the same reply
 * whether or not they have an account). Each person succeeds or fails alone.
 */
export async function createSubworkspace(ctx: AppContext, parent: WorkspaceDoc, creator: UserDoc, input: CreateSubworkspace) {
  const workspace = await createSubworkspaceRecord(ctx, parent, creator, input);
  const added: string[] = [];
  const invited: string[] = [];
  const failed: Array<{ email: string; code: string; message: string }> = [];
  for (const m of input.members) {
    if (m.email === creator.email) continue;
    try {
      const result = await addPersonByEmail(ctx, workspace, creator, m.email, m.role);
      ('member' in result ? added : invited).push(m.email);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      failed.push({ email: m.email, code: err.code, message: err.message });
    }
  }
  await announceSubworkspaceCreated(ctx, workspace, creator._id);
  return { workspace, members: { added, invited, failed } };
}
