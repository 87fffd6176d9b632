import type { AppContext } from '../../server/context.js';
import type { ApiClient } from './client.js';
import type { VideoDoc } from '../../server/videos/video.model.js';

/** A short script: 12 words → 2 s of title card + 5 s spoken = 7 s, 0.5 credit. */
export const SHORT_SCRIPT = 'Welcome to our spring update. Here is what changed for our customers this month.';

/** Submits a video; the reply as it came. */
export const submitVideo = (client: ApiClient, workspaceId: string, body: Record<string, unknown>) => client.post(`/api/workspaces/${workspaceId}/videos`, body);

/** Waits until the stored video is in one of `statuses` (polling the database), and returns it. */
export async function waitForVideo(ctx: AppContext, videoId: string, statuses: string[], ms = 20_000): Promise<VideoDoc> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await ctx.models.Video.findById(videoId).lean<VideoDoc>();
    if (v && statuses.includes(v.status)) return v;
    if (Date.now() > deadline) throw new Error(`video ${videoId} stayed ${v?.status ?? 'missing'} (waited for ${statuses.join('/')})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The ledger entries that name a video, oldest first, as `type amount held`. */
export async function ledgerOfVideo(ctx: AppContext, workspaceId: string, videoId: string) {
  const entries = (await ctx.models.LedgerEntry.find({ workspaceId }).lean()).filter((e) => e.ref?.kind === 'video' && e.ref.id === videoId).sort((a, b) => a.seq - b.seq);
  return entries.map((e) => ({ type: e.type, amount: e.amount, held: e.held, op: e.op }));
}
