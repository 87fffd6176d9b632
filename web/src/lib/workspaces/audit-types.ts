import { AUDITED_TYPES, type AuditedType } from '$shared/event-map.js';

export type AuditGroup = 'workspace' | 'members' | 'joining' | 'assets';

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
  }
}

const GROUPS: readonly AuditGroup[] = ['workspace', 'members', 'joining', 'assets'];

/** The type filter offers every audited type exactly once, in groups, each group in the order of `AUDITED_TYPES`. */
export const AUDIT_FILTER: ReadonlyArray<{ group: AuditGroup; types: AuditedType[] }> = GROUPS.map((group) => ({
  group,
  types: AUDITED_TYPES.filter((type) => auditGroupOf(type) === group),
}));
