import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AppContext } from '../../server/context.js';
import { newId } from '../../server/db/ids.js';
import { folderKeyOf } from '../../server/content/item.model.js';
import { captionTrackId, type VideoDoc } from '../../server/videos/video.model.js';
import { ffmpegPath } from '../../server/videos/render/binaries.js';
import type { GeneralAccess } from '../../shared/schemas/content.js';

const run = promisify(execFile);

let clip: Promise<{ video: Buffer; poster: Buffer }> | null = null;

/** A real 3-second 320×180 WebM (VP9 + Opus, a test pattern and a tone) and its first frame, made once per test process. */
export function fixtureClip() {
  clip ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wsc-clip-'));
    const video = path.join(dir, 'clip.webm');
    const poster = path.join(dir, 'poster.jpg');
    const ff = ffmpegPath();
    await run(ff, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25:duration=3', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '200k', '-c:a', 'libopus', '-shortest', '-y', video]);
    await run(ff, ['-v', 'error', '-i', video, '-frames:v', '1', '-y', poster]);
    return { video: await readFile(video), poster: await readFile(poster) };
  })();
  return clip;
}

export const SAMPLE_VTT = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello and welcome.\n\n00:00:01.500 --> 00:00:03.000\nThis is a test.\n';

/**
 * A completed video in a workspace, as a finished render leaves it (item,
 * video, file, poster, an English caption track), without running a job:
 * the cast of the share-page and caption tests.
 */
export async function seedVideo(
  ctx: AppContext,
  opts: { workspaceId: string; ownerId: string; title?: string; parentId?: string | null; general?: GeneralAccess; captions?: boolean },
) {
  const id = newId();
  const now = ctx.now();
  const { video, poster } = await fixtureClip();
  const file = { key: `videos/${id}/v1.webm`, size: video.length, contentType: 'video/webm', version: 'v1' };
  const still = { key: `videos/${id}/poster-v1.jpg`, size: poster.length, contentType: 'image/jpeg', version: 'v1' };
  await ctx.blobs.putBuffer(file.key, video);
  await ctx.blobs.putBuffer(still.key, poster);
  const parent = opts.parentId ? await ctx.models.Item.findById(opts.parentId).lean() : null;
  const title = opts.title ?? 'Quarterly update';
  await ctx.models.Item.create({
    _id: id,
    workspaceId: opts.workspaceId,
    kind: 'video',
    name: title,
    nameKey: title.toLowerCase(),
    parentId: parent?._id ?? null,
    folderKey: folderKeyOf(opts.workspaceId, parent?._id ?? null),
    ancestorIds: parent ? [...parent.ancestorIds, parent._id] : [],
    ownerId: opts.ownerId,
    general: opts.general ?? { scope: 'only_me', role: 'view' },
    body: null,
    status: 'completed',
    createdAt: now,
    updatedAt: now,
  });
  const doc: VideoDoc = {
    _id: id,
    workspaceId: opts.workspaceId,
    script: 'Hello and welcome. This is a test.',
    language: 'en',
    look: { avatar: null, voice: null, brandKit: null },
    estimatedSeconds: 5,
    creditsHeld: 0,
    createdBy: opts.ownerId,
    createdAt: now,
    status: 'completed',
    progress: 100,
    error: null,
    durationSeconds: 3,
    creditsCharged: 0.5,
    completedAt: now,
    file,
    poster: still,
    share: { token: null, publishedAt: null, passwordHash: null, passwordVersion: 0, indexable: false },
  };
  await ctx.models.Video.create(doc);
  if (opts.captions !== false) {
    await ctx.models.CaptionTrack.create({ _id: captionTrackId(id, 'en'), videoId: id, workspaceId: opts.workspaceId, lang: 'en', label: 'English', vtt: SAMPLE_VTT, updatedAt: now });
  }
  return { id, title };
}
