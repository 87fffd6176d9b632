import type { Role } from './schemas/auth.js';

/**
 * Resource rules beside the role matrix (`permissions.ts`): who may do what
 * to a particular workspace, whatever their role. The server and the web app
 * ask these; neither repeats them inline.
 */

export interface Owned {
  ownerId: string;
}

/** The owner is the one person a workspace names as such. */
export const isOwner = (workspace: Owned | null | undefined, userId: string): boolean => !!workspace && workspace.ownerId === userId;

/** Only the owner hands ownership on, and only to another member. */
export const mayTransferOwnership = (workspace: Owned | null | undefined, actorId: string, toUserId: string): boolean =>
  isOwner(workspace, actorId) && toUserId !== actorId;

/** The role an owner always holds, so that a workspace always has a Super Admin. */
export const OWNER_ROLE: Role = 'super_admin';

/** Whether `userId` may hold `role` in the workspace: the owner keeps OWNER_ROLE until ownership is transferred. */
export const mayHoldRole = (workspace: Owned | null | undefined, userId: string, role: Role): boolean => !isOwner(workspace, userId) || role === OWNER_ROLE;
