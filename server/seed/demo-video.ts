import type { AppContext } from '../context.js';
import type { UserDoc } from '../accounts/user.model.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { loadWorkspace } from '../workspaces/access.js';
import { loadItem } from '../content/access-loader.js';
import { putSharing } from '../sharing/sharing.service.js';
import { createVideo } from '../videos/video.service.js';
import { getCaption, captionDetail, putCaption } from '../videos/captions.service.js';
import { putShare } from '../videos/share.service.js';
import { publicPageUrl } from '../videos/video-urls.js';
import type { VideoDoc } from '../videos/video.model.js';

/** The demo video's script, one sentence per caption cue, and its French captions, sentence for sentence. */
const SCRIPT: Array<[en: string, fr: string]> = [
  ['Welcome to Demo Studio.', 'Bienvenue chez Demo Studio.'],
  ['This video was made from a script, in a few seconds, on this server.', 'Cette vidéo a été créée à partir d’un script, en quelques secondes, sur ce serveur.'],
  ['Its captions come in English and in French.', 'Ses sous-titres existent en anglais et en français.'],
  ['Publish a video to the web, and anyone with the link can watch it.', 'Publiez une vidéo sur le web : toute personne qui a le lien peut la regarder.'],
];

const RENDER_WAIT_MS = 120_000;

async function finished(ctx: AppContext, videoId: string): Promise<VideoDoc | null> {
  const deadline = Date.now() + RENDER_WAIT_MS;
  while (Date.now() < deadline) {
    const video = await ctx.models.Video.findById(videoId).lean<VideoDoc>();
    if (video && (video.status === 'completed' || video.status === 'failed' || video.status === 'cancelled')) return video;
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

/** The French track: the English track's timing, each sentence of its cues replaced by its translation. */
const frenchFrom = (englishVtt: string) => SCRIPT.reduce((vtt, [en, fr]) => vtt.split(en).join(fr), englishVtt);

/**
 * One finished video, made through the same services as the API (a real
 * render with this node's engine, its hold charged), open to the whole
 * workspace, with English captions from the render and French ones added,
 * published to the web. Returns its public page, or null when the render
 * did not finish (the demo goes on without it).
 */
export async function seedVideo(ctx: AppContext, studio: WorkspaceDoc, creator: UserDoc, assets: { avatarId: string; voiceId: string; brandKitId: string }) {
  const access = await loadWorkspace(ctx, studio._id, creator._id);
  const video = await createVideo(ctx, access, creator._id, {
    title: 'Welcome to Demo Studio',
    script: SCRIPT.map(([en]) => en).join(' '),
    language: 'en',
    ...assets,
  });
  const done = await finished(ctx, video.id);
  if (done?.status !== 'completed') {
    ctx.log.warn({ videoId: video.id, status: done?.status ?? 'still rendering' }, 'the demo video did not finish rendering');
    return null;
  }
  await putSharing(ctx, access, await loadItem(ctx, access, video.id, creator._id), { general: { scope: 'workspace', role: 'view' } }, creator._id);
  const english = captionDetail(await getCaption(ctx, access, creator._id, video.id, 'en'));
  await putCaption(ctx, access, creator._id, video.id, 'fr', { label: 'Français', vtt: frenchFrom(english.vtt) });
  const share = await putShare(ctx, access, creator._id, video.id, { published: true });
  return share.publicUrl ?? (done.share.token ? publicPageUrl(ctx.publicUrl(), done.share.token) : null);
}
