import { AUDITED_TYPES, type AuditedType } from '$shared/event-map.js';

export type AuditGroup = 'workspace' | 'members' | 'joining' | 'assets' | 'content' | 'billing';

/** The group of the type filter an audited type is listed under. */
export function auditGroupOf(type: AuditedType): AuditGroup {
  switch (type) {
    case 'workspace.updated':
    case 'ownership.transferred':
    case 'seats.purchased':
    case 'avatarSlots.updated':
    case 'subworkspace.created':
    case 'subworkspace.deleted':
      return 'workspace';
    case 'member.added':
    case 'member.updated':
    case 'member.removed':
      return 'members';
    case 'invitation.created':
    case 'invitation.updated':
    case 'invitation.revoked':
    case 'inviteLink.created':
    case 'inviteLink.rotated':
    case 'inviteLink.revoked':
    case 'joinRequest.decided':
      return 'joining';
    case 'asset.created':
    case 'asset.updated':
    case 'asset.deleted':
    case 'asset.shared':
    case 'asset.unshared':
      return 'assets';
    case 'item.created':
    case 'item.updated':
    case 'item.deleted':
    case 'item.sharing.updated':
    case 'accessRequest.decided':
    case 'video.share.updated':
    case 'video.captions.updated':
      return 'content';
    case 'purchase.completed':
    case 'allocation.updated':
    case 'billing.updated':
    case 'apiKey.created':
    case 'apiKey.revoked':
      return 'billing';
  }
}

const GROUPS: readonly AuditGroup[] = ['workspace', 'members', 'joining', 'assets', 'content', 'billing'];

/** The type filter offers every audited type exactly once, in groups, each group in the order of `AUDITED_TYPES`. */
export const AUDIT_FILTER: ReadonlyArray<{ group: AuditGroup; types: AuditedType[] }> = GROUPS.map((group) => ({
  group,
  types: AUDITED_TYPES.filter((type) => auditGroupOf(type) === group),
}));
