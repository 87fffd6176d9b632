import type { AssetView } from '$shared/schemas/assets.js';
import { locale, t, type MessageKey } from '$lib/i18n/index.js';

/** A language code (`fr-FR`) in the reader's language ("French (France)"), or the code itself. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames([locale.current], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export const LANGUAGES = ['en', 'en-GB', 'en-US', 'fr-FR', 'de-DE', 'es-ES', 'it-IT', 'pt-BR', 'ja-JP'] as const;
export const STYLES = ['studio', 'casual', 'animated'] as const;
export const GENDERS = ['female', 'male', 'neutral'] as const;
export const LAYOUTS = ['title_body', 'split', 'full'] as const;

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** The short description of an asset's settings shown on its card (colours and fonts are shown apart). */
export function describeAsset(a: AssetView): string[] {
  const d = a.data;
  const parts: Array<string | null> = [];
  if (a.kind === 'avatar') {
    const style = str(d.style);
    parts.push(style ? t(`assets.style.${style}` as MessageKey) : null, str(d.look));
  } else if (a.kind === 'voice') {
    const language = str(d.language);
    const gender = str(d.gender);
    parts.push(language ? languageName(language) : null, gender ? t(`assets.gender.${gender}` as MessageKey) : null);
  } else if (a.kind === 'template') {
    const preset = str((d.layout as Record<string, unknown> | undefined)?.preset);
    parts.push(preset && (LAYOUTS as readonly string[]).includes(preset) ? t(`assets.layout.${preset}` as MessageKey) : null);
  }
  return parts.filter((p): p is string => !!p);
}

export const colorsOf = (a: AssetView): string[] => (Array.isArray(a.data.colors) ? a.data.colors.filter((c): c is string => typeof c === 'string') : []);
export const fontsOf = (a: AssetView): string[] => (Array.isArray(a.data.fonts) ? a.data.fonts.filter((c): c is string => typeof c === 'string') : []);
