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
