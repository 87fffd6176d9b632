import type { AppContext } from '../context.js';
import { storeImage } from '../files/image-store.js';
import type { WorkspaceDoc } from './workspace.model.js';
import { announceWorkspace } from './workspace.service.js';

/** A workspace's image, stored under its id; members see the new image live. */
export async function setWorkspaceImage(ctx: AppContext, w: WorkspaceDoc, data: Buffer, actorId: string): Promise<string> {
  const version = await storeImage(ctx, w._id, data);
  const imageUrl = `/api/workspaces/${w._id}/image?v=${version}`;
  await ctx.models.Workspace.updateOne({ _id: w._id }, { $set: { imageUrl } });
  await announceWorkspace(ctx, { ...w, imageUrl }, actorId, { before: { imageUrl: w.imageUrl }, after: { imageUrl } });
  return imageUrl;
}
