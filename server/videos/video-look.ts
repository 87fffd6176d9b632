import type { AppContext } from '../context.js';
import type { AssetKind } from '../../shared/schemas/assets.js';
import type { CreateVideo, VideoLanguage } from '../../shared/schemas/videos.js';
import { invalidField } from '../http/errors.js';
import type { AssetDoc } from '../assets/asset.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import type { VideoLook } from './video.model.js';

const WORDS: Record<Exclude<AssetKind, 'template'>, string> = { avatar: 'avatar', voice: 'voice', brand_kit: 'brand kit' };

/** Where a brand kit's logo (and, when there is one, an avatar's picture) is kept: stored image `asset-<id>` (files/image-store.ts). */
export const assetImageKey = (assetId: string) => `asset-${assetId}`;

/**
 * An asset a video may use: of the right kind, and the workspace's own or
 * shared into it now (AssetShare `<assetId>:<workspaceId>`). Otherwise the
 * field is refused, in words: one of the same account that is not shared
 * here (any more) says so; another account's reads as unknown.
 */
async function usableAsset(ctx: AppContext, w: WorkspaceDoc, field: string, id: string, kind: Exclude<AssetKind, 'template'>): Promise<AssetDoc> {
  const word = WORDS[kind];
  const a = await ctx.models.Asset.findById(id).lean<AssetDoc>();
  if (!a || a.rootId !== w.rootId) throw invalidField(field, `There is no such ${word} in this workspace’s library`);
  if (a.workspaceId !== w._id && !(await ctx.models.AssetShare.exists({ _id: `${a._id}:${w._id}` }))) {
    throw invalidField(field, `This ${word} is no longer shared with this workspace`);
  }
  if (a.kind !== kind) throw invalidField(field, `“${a.name}” is not ${kind === 'avatar' ? 'an' : 'a'} ${word}`);
  return a;
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/**
 * What the render draws, copied from the library at submit (a later change
 * or unshare does not change a video already asked for), and the script's
 * language: the one asked for, else the voice's (en or fr), else English.
 */
export async function lookOf(ctx: AppContext, w: WorkspaceDoc, input: CreateVideo): Promise<{ look: VideoLook; language: VideoLanguage }> {
  const [avatar, voice, brandKit] = await Promise.all([
    input.avatarId ? usableAsset(ctx, w, 'avatarId', input.avatarId, 'avatar') : null,
    input.voiceId ? usableAsset(ctx, w, 'voiceId', input.voiceId, 'voice') : null,
    input.brandKitId ? usableAsset(ctx, w, 'brandKitId', input.brandKitId, 'brand_kit') : null,
  ]);
  const avatarImage = avatar && (await ctx.models.StoredImage.exists({ _id: assetImageKey(avatar._id) })) ? assetImageKey(avatar._id) : null;
  const look: VideoLook = {
    avatar: avatar ? { id: avatar._id, name: avatar.name, style: str(avatar.data.style), image: avatarImage } : null,
    voice: voice ? { id: voice._id, name: voice.name, gender: str(voice.data.gender) } : null,
    brandKit: brandKit
      ? {
          id: brandKit._id,
          name: brandKit.name,
          colors: Array.isArray(brandKit.data.colors) ? brandKit.data.colors.filter((c): c is string => typeof c === 'string') : [],
          logo: brandKit.logo ? assetImageKey(brandKit._id) : null,
        }
      : null,
  };
  const spoken = str(voice?.data.language)?.slice(0, 2);
  const language: VideoLanguage = input.language ?? (spoken === 'en' || spoken === 'fr' ? spoken : 'en');
  return { look, language };
}
