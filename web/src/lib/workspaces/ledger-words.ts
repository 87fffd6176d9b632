import type { CreditsView, LedgerEntryView } from '$shared/schemas/credits.js';
import type { Translator } from '../i18n/translate.js';

/**
 * What a ledger entry was, in words: "Allocated to Client A". A transfer
 * reads from this workspace's side: it gives to its sub-workspaces and gets
 * back from them; it receives from the workspace above and returns to it.
 * The reference names the other side (`workspaceId`, `label`); an entry
 * without its workspace is read by the billing mode, one without a label
 * does without the name.
 */
export function ledgerWhat(e: LedgerEntryView, side: { parentId: string | null; billing: CreditsView['billing'] }, tr: Translator): string {
  const label = e.ref?.label?.trim() || null;
  const { t } = tr;
  const fromAbove = e.ref?.workspaceId ? e.ref.workspaceId === side.parentId : side.billing === 'allocated';
  switch (e.type) {
    case 'grant':
      return t('ledger.type.grant');
    case 'purchase':
      return t('ledger.type.purchase');
    case 'allocation_out':
      if (fromAbove) return label ? t('ledger.type.returnedTo', { name: label }) : t('ledger.type.returnedTo.unnamed');
      return label ? t('ledger.type.allocatedTo', { name: label }) : t('ledger.type.allocatedTo.unnamed');
    case 'allocation_in':
      if (fromAbove) return label ? t('ledger.type.allocatedBy', { name: label }) : t('ledger.type.allocatedBy.unnamed');
      return label ? t('ledger.type.returnedBy', { name: label }) : t('ledger.type.returnedBy.unnamed');
    case 'hold':
      return label ? t('ledger.type.hold', { name: label }) : t('ledger.type.hold.unnamed');
    case 'charge':
      return label ? t('ledger.type.charge', { name: label }) : t('ledger.type.charge.unnamed');
    case 'release':
      return label ? t('ledger.type.release', { name: label }) : t('ledger.type.release.unnamed');
    case 'api_usage':
      return label ? t('ledger.type.apiUsage', { name: label }) : t('ledger.type.apiUsage.unnamed');
  }
}
