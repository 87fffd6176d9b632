import type { AuditEntryView } from '$shared/schemas/workspaces.js';
import { RoleSchema } from '$shared/schemas/auth.js';
import { isMessageKey, roleName, t, type MessageKey } from '../i18n/index.js';

/** The action types an admin can filter the log by, in the order of the filter. */
export const AUDIT_TYPES = ['member.added', 'member.updated', 'member.removed', 'workspace.updated', 'subworkspace.created', 'subworkspace.deleted'] as const;

const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** A readable phrase for what happened ("Changed role", "Transferred ownership"…). */
export function auditPhrase(e: AuditEntryView): string {
  const after = record(e.after);
  if (e.type === 'member.removed' && e.actor && e.actor.id === e.target?.id) return t('audit.phrase.left');
  if (e.type === 'workspace.updated') {
    if ('ownerId' in after) return t('audit.phrase.ownership');
    if ('purchased' in after) return t('audit.phrase.seats');
    if ('name' in after) return t('audit.phrase.renamed');
    if ('imageUrl' in after) return t('audit.phrase.image');
    return t('audit.phrase.settings');
  }
  const key = `audit.type.${e.type}`;
  return isMessageKey(key) ? t(key) : e.type;
}

export function auditTypeLabel(type: (typeof AUDIT_TYPES)[number]): string {
  return t(`audit.type.${type}`);
}

function valueText(field: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (field === 'role' && RoleSchema.safeParse(value).success) return roleName(value as never);
  if (field === 'billingMode' && (value === 'inherited' || value === 'independent')) return t(`billing.${value}`);
  if (field === 'imageUrl') return t('audit.value.newImage');
  if (typeof value === 'boolean') return value ? t('common.on') : t('common.off');
  if (Array.isArray(value)) return value.length ? value.join(', ') : t('common.none');
  return String(value);
}

export interface AuditChange {
  label: string;
  before: string | null;
  after: string | null;
}

/** Each field that changed, before → after; ids (like the new owner's) are left out: the target names them. */
export function auditChanges(e: AuditEntryView): AuditChange[] {
  const before = record(e.before);
  const after = record(e.after);
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => f !== 'ownerId');
  return fields.map((field) => {
    const key = `audit.field.${field}`;
    const label = isMessageKey(key) ? t(key as MessageKey) : field;
    // An image change has no useful "before": the new image is what matters.
    const hadBefore = field in before && field !== 'imageUrl';
    return { label, before: hadBefore ? valueText(field, before[field]) : null, after: field in after ? valueText(field, after[field]) : null };
  });
}
