import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { contentTeam } from '../support/content.js';
import { fixtureClip, seedVideo } from '../support/videos.js';
import { fileUrlOf, posterUrlOf } from '../../server/videos/video-urls.js';
import type { VideoDoc } from '../../server/videos/video.model.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_SEATS: '100' } });
});
afterAll(() => server?.close());

const get = (url: string, cookie: string, headers: Record<string, string> = {}, method = 'GET') => fetch(server.url + url, { method, headers: { cookie, ...headers } });

async function cast() {
  const t = await contentTeam(server);
  const { id } = await seedVideo(server.ctx, { workspaceId: t.ws, ownerId: t.people.creator.user._id, general: { scope: 'workspace', role: 'view' } });
  const video = (await server.ctx.models.Video.findById(id).lean<VideoDoc>())!;
  return { ...t, id, file: fileUrlOf(video)!, poster: posterUrlOf(video)! };
}

describe('a video’s files for signed-in people', () => {
  it('serves the file and the poster whole, in ranges (206), HEAD, and 416 beyond the end', async () => {
    const t = await cast();
    const cookie = t.people.viewer.client.cookie;
    const { video, poster } = await fixtureClip();
    expect(t.file).toBe(`/api/workspaces/${t.ws}/videos/${t.id}/file?v=v1`);

    const whole = await get(t.file, cookie);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/webm');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-length')).toBe(String(video.length));
    expect(Buffer.from(await whole.arrayBuffer()).equals(video)).toBe(true);

    const part = await get(t.file, cookie, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${video.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(video.subarray(100, 200))).toBe(true);

    const tail = await get(t.file, cookie, { range: 'bytes=-50' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(video.subarray(video.length - 50))).toBe(true);

    const open = await get(t.file, cookie, { range: `bytes=${video.length - 10}-` });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-range')).toBe(`bytes ${video.length - 10}-${video.length - 1}/${video.length}`);
    await open.arrayBuffer();

    for (const range of [`bytes=${video.length}-`, `bytes=${video.length + 1000}-${video.length + 2000}`, 'bytes=-0', 'bytes=500-100']) {
      const r = await get(t.file, cookie, { range });
      expect(r.status, range).toBe(416);
      expect(r.headers.get('content-range'), range).toBe(`bytes */${video.length}`);
      await r.arrayBuffer();
    }
    // Malformed or several ranges: the whole file, as RFC 9110 allows; a start past any safe number: 416.
    for (const range of ['bytes=abc', 'items=0-10', 'bytes=0-1,5-9', 'bytes=-']) {
      const r = await get(t.file, cookie, { range });
      expect(r.status, range).toBe(200);
      expect((await r.arrayBuffer()).byteLength, range).toBe(video.length);
    }
    const huge = await get(t.file, cookie, { range: 'bytes=99999999999999999999-' });
    expect(huge.status).toBe(416);
    await huge.arrayBuffer();

    const head = await get(t.file, cookie, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(video.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    const still = await get(t.poster, cookie);
    expect(still.status).toBe(200);
    expect(still.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await still.arrayBuffer()).equals(poster)).toBe(true);
  });

  it('is 404 while there is no file, for someone without access, for another tenant and for an id that is not a video', async () => {
    const t = await cast();
    const { creator } = t.people;
    const hidden = await seedVideo(server.ctx, { workspaceId: t.ws, ownerId: creator.user._id });
    for (const what of ['file', 'poster']) {
      expect((await get(`/api/workspaces/${t.ws}/videos/${hidden.id}/${what}`, t.people.viewer.client.cookie)).status).toBe(404);
      expect((await get(`/api/workspaces/${t.ws}/videos/${hidden.id}/${what}`, creator.client.cookie)).status).toBe(200);
      expect((await get(`/api/workspaces/${t.ws}/videos/${t.id}/${what}`, t.stranger.client.cookie)).status).toBe(404);
      expect((await get(`/api/workspaces/${t.otherWs}/videos/${t.id}/${what}`, t.stranger.client.cookie)).status).toBe(404);
      expect((await get(`/api/workspaces/${t.ws}/videos/zzz/${what}`, creator.client.cookie)).status).toBe(404);
      expect((await get(`/api/workspaces/${t.ws}/videos/${t.id}/${what}`, '')).status).toBe(401);
    }
    await server.ctx.models.Video.updateOne({ _id: hidden.id }, { $set: { status: 'processing', file: null, poster: null } });
    for (const what of ['file', 'poster']) {
      const r = await get(`/api/workspaces/${t.ws}/videos/${hidden.id}/${what}`, creator.client.cookie);
      expect(r.status).toBe(404);
      expect((await r.json()).error.code).toBe('not_found');
    }
    // The file named but gone from the store: a 404, not a crash.
    await server.ctx.blobs.remove(`videos/${t.id}`);
    expect((await get(t.file, creator.client.cookie)).status).toBe(404);
  });
});
