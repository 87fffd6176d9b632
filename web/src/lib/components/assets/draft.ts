import type { AssetKind, CreateAsset } from '$shared/schemas/assets.js';
import type { MessageKey } from '$lib/i18n/index.js';

/** What the "New asset" form holds, for every kind (only the chosen kind's part is sent). */
export interface AssetDraft {
  look: string;
  style: string;
  language: string;
  gender: string;
  colors: string[];
  fonts: string;
  layout: string;
}

export const emptyDraft = (): AssetDraft => ({ look: '', style: '', language: '', gender: '', colors: ['#4f46e5'], fonts: '', layout: '' });

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));

/** The request body of the draft for `kind` (checked with `CreateAssetSchema` before sending). */
export function createInputOf(kind: AssetKind, name: string, d: AssetDraft): CreateAsset {
  switch (kind) {
    case 'avatar':
      return { kind, name, data: defined({ look: d.look.trim(), style: d.style }) };
    case 'voice':
      return { kind, name, data: defined({ language: d.language, gender: d.gender }) };
    case 'brand_kit': {
      const fonts = d.fonts.split('\n').map((f) => f.trim()).filter(Boolean);
      return { kind, name, data: { colors: d.colors, ...(fonts.length ? { fonts } : {}) } };
    }
    case 'template':
      return { kind, name, data: d.layout ? { layout: { preset: d.layout } } : {} };
  }
}

/** The asset schemas' messages, in our words. */
export const ASSET_MESSAGES: Record<string, MessageKey> = {
  'Name is required': 'validation.assetName.required',
  'Name must be at most 80 characters': 'validation.assetName.tooLong',
  'Use a colour such as #4F46E5': 'validation.color',
  'At most 12 colours': 'validation.colors.tooMany',
  'At most 6 fonts': 'validation.fonts.tooMany',
  'Use a language code such as en or fr-FR': 'validation.language',
};
