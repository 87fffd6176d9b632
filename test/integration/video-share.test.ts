import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { contentTeam } from '../support/content.js';
import { ApiClient, connectSocket, waitFor } from '../support/client.js';
import { fixtureClip, seedVideo } from '../support/videos.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let other: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_SEATS: '100' } });
  // A second node on the same database: publishing and unpublishing hold on every node at once.
  other = await startTestServer({ database: server.database, env: { DEFAULT_SEATS: '100' } });
});
afterAll(async () => {
  await other?.close();
  await server?.close();
});

const put = (client: ApiClient, path: string, body: unknown) => client.request('PUT', path, body);
const anonymous = (url = server.url) => new ApiClient(url);

async function cast() {
  const t = await contentTeam(server);
  const { creator } = t.people;
  const { id, title } = await seedVideo(server.ctx, { workspaceId: t.ws, ownerId: creator.user._id, general: { scope: 'workspace', role: 'view' } });
  return { ...t, id, title, share: `/api/workspaces/${t.ws}/videos/${id}/share` };
}

const tokenOf = (publicUrl: string) => publicUrl.split('/v/')[1]!;

describe('the share settings', () => {
  it('start unpublished; publishing makes a ≥128-bit token stored as the link and on the video, and the public API answers', async () => {
    const t = await cast();
    const { creator } = t.people;
    expect((await creator.client.get(t.share)).body).toEqual({ published: false, publicUrl: null, passwordProtected: false, indexable: false });

    const res = await put(creator.client, t.share, { published: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ published: true, publicUrl: expect.stringMatching(/\/v\/[A-Za-z0-9_-]{32}$/), passwordProtected: false, indexable: false });
    expect(res.body.publicUrl.startsWith(`${server.ctx.publicUrl()}/v/`)).toBe(true);
    const token = tokenOf(res.body.publicUrl);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(await server.ctx.models.PublicLink.findById(token).lean()).toMatchObject({ _id: token, videoId: t.id, workspaceId: t.ws });
    expect((await server.ctx.models.Video.findById(t.id).lean())!.share.token).toBe(token);
    expect((await creator.client.get(t.share)).body).toEqual(res.body);

    const pub = await anonymous().get(`/api/public/videos/${token}`);
    expect(pub.status).toBe(200);
    expect(pub.body).toEqual({
      title: t.title,
      durationSeconds: 3,
      fileUrl: `/api/public/videos/${token}/file?v=v1`,
      posterUrl: `/api/public/videos/${token}/poster?v=v1`,
      captions: [{ lang: 'en', label: 'English', url: `/api/public/videos/${token}/captions/en.vtt` }],
    });
    expect(pub.headers.get('cache-control')).toBe('no-store');
    expect(pub.headers.get('x-robots-tag')).toBe('noindex');
    // Nothing of the workspace: no owner, no workspace, no ids.
    expect(JSON.stringify(pub.body)).not.toContain(t.ws);
    expect(JSON.stringify(pub.body)).not.toContain(creator.user._id);

    const file = await fetch(`${server.url}${pub.body.fileUrl}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await file.arrayBuffer()).equals((await fixtureClip()).video)).toBe(true);
    const part = await fetch(`${server.url}${pub.body.fileUrl}`, { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${(await fixtureClip()).video.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals((await fixtureClip()).video.subarray(10, 20))).toBe(true);
    const beyond = await fetch(`${server.url}${pub.body.fileUrl}`, { headers: { range: 'bytes=999999999-' } });
    expect(beyond.status).toBe(416);
    await beyond.arrayBuffer();
    const head = await fetch(`${server.url}${pub.body.posterUrl}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('image/jpeg');
    expect(head.headers.get('content-length')).toBe(String((await fixtureClip()).poster.length));
    expect((await anonymous().get(`/api/public/videos/${token}/captions/de.vtt`)).status).toBe(404);
    expect((await anonymous().get(`/api/public/videos/${token}/captions/EN_us.vtt`)).status).toBe(400);
    const vtt = await fetch(`${server.url}${pub.body.captions[0].url}`);
    expect(vtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    expect(await vtt.text()).toContain('Hello and welcome.');
    // The other node knows the link as well (nothing is cached about it).
    expect((await anonymous(other.url).get(`/api/public/videos/${token}`)).status).toBe(200);
  });

  it('unpublishing takes the page, the API, the file and the captions down at once, on every node; publishing again gives a new token', async () => {
    const t = await cast();
    const { creator } = t.people;
    const first = tokenOf((await put(creator.client, t.share, { published: true })).body.publicUrl);
    const urls = [`/api/public/videos/${first}`, `/api/public/videos/${first}/file?v=v1`, `/api/public/videos/${first}/poster?v=v1`, `/api/public/videos/${first}/captions/en.vtt`, `/v/${first}`];
    for (const u of urls.slice(0, 4)) expect((await fetch(server.url + u)).status, u).toBe(200);

    const off = await put(creator.client, t.share, { published: false });
    expect(off.body).toEqual({ published: false, publicUrl: null, passwordProtected: false, indexable: false });
    expect(await server.ctx.models.PublicLink.countDocuments({ videoId: t.id })).toBe(0);
    for (const node of [server, other]) {
      for (const u of urls) {
        const r = await fetch(node.url + u, { headers: { range: 'bytes=0-10' } });
        expect(r.status, u).toBe(404);
        expect(r.headers.get('cache-control'), u).toBe('no-store');
      }
    }

    const again = tokenOf((await put(creator.client, t.share, { published: true })).body.publicUrl);
    expect(again).not.toBe(first);
    expect((await anonymous(other.url).get(`/api/public/videos/${again}`)).status).toBe(200);
    expect((await anonymous(other.url).get(`/api/public/videos/${first}`)).status).toBe(404);
    // Publishing what is already published keeps its link.
    expect(tokenOf((await put(creator.client, t.share, { published: true })).body.publicUrl)).toBe(again);
  });

  it('indexable drops noindex; only a completed video can be published', async () => {
    const t = await cast();
    const { creator } = t.people;
    const res = await put(creator.client, t.share, { published: true, indexable: true });
    expect(res.body).toMatchObject({ published: true, indexable: true });
    const pub = await anonymous().get(`/api/public/videos/${tokenOf(res.body.publicUrl)}`);
    expect(pub.status).toBe(200);
    expect(pub.headers.get('x-robots-tag')).toBeNull();

    const pending = await seedVideo(server.ctx, { workspaceId: t.ws, ownerId: creator.user._id });
    await server.ctx.models.Video.updateOne({ _id: pending.id }, { $set: { status: 'processing', progress: 40, file: null, poster: null } });
    const refused = await put(creator.client, `/api/workspaces/${t.ws}/videos/${pending.id}/share`, { published: true });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({ code: 'conflict', message: 'Only a completed video can be published' });
    expect(await server.ctx.models.PublicLink.countDocuments({ videoId: pending.id })).toBe(0);
  });

  it('tells the video’s viewers live and writes an audit entry with before and after', async () => {
    const t = await cast();
    const { creator, viewer } = t.people;
    const socket = await connectSocket(server.url, viewer.client.cookie);
    try {
      const res = await put(creator.client, t.share, { published: true, password: 'open sesame' });
      await waitFor(() => socket.received.some((e) => e.type === 'video.share.updated'), 'video.share.updated');
      expect(socket.received.find((e) => e.type === 'video.share.updated')!.data).toEqual({ id: t.id, share: res.body });
      expect((await put(creator.client, t.share, { password: 'another one' })).status).toBe(200);
      expect((await put(creator.client, t.share, { password: null, indexable: true })).status).toBe(200);
      const audit = await server.ctx.models.Audit.find({ workspaceId: t.ws, type: 'video.share.updated' }).sort({ seq: 1 }).lean();
      expect(audit.map((a) => ({ actorId: a.actorId, target: a.target, before: a.before, after: a.after }))).toEqual([
        {
          actorId: creator.user._id,
          target: { kind: 'item', id: t.id, label: t.title },
          before: { published: false, passwordProtected: false, indexable: false },
          after: { published: true, passwordProtected: true, indexable: false },
        },
        {
          actorId: creator.user._id,
          target: { kind: 'item', id: t.id, label: t.title },
          before: { published: true, passwordProtected: true, indexable: false },
          after: { published: true, passwordProtected: true, indexable: false, passwordChanged: true },
        },
        {
          actorId: creator.user._id,
          target: { kind: 'item', id: t.id, label: t.title },
          before: { published: true, passwordProtected: true, indexable: false },
          after: { published: true, passwordProtected: false, indexable: true },
        },
      ]);
      const stored = (await server.ctx.models.Video.findById(t.id).lean())!.share;
      expect(stored.passwordHash).toBeNull();
      expect(stored.passwordVersion).toBe(3);
    } finally {
      socket.close();
    }
  });
});

describe('who may change it, and bad input', () => {
  it('a Viewer and a member with view only get 403; another tenant and someone without access get 404; nothing changes', async () => {
    const t = await cast();
    const { viewer, developer } = t.people;
    for (const p of [viewer, developer]) {
      expect((await p.client.get(t.share)).status).toBe(200);
      const res = await put(p.client, t.share, { published: true });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await put(t.stranger.client, t.share, { published: true })).status).toBe(404);
    expect((await t.stranger.client.get(t.share)).status).toBe(404);
    // The video named under the stranger's own workspace: 404 like one that does not exist.
    expect((await put(t.stranger.client, `/api/workspaces/${t.otherWs}/videos/${t.id}/share`, { published: true })).status).toBe(404);
    const hidden = await seedVideo(server.ctx, { workspaceId: t.ws, ownerId: t.people.creator.user._id });
    expect((await viewer.client.get(`/api/workspaces/${t.ws}/videos/${hidden.id}/share`)).status).toBe(404);
    expect((await put(viewer.client, `/api/workspaces/${t.ws}/videos/${hidden.id}/share`, { published: true })).status).toBe(404);
    expect((await server.ctx.models.Video.findById(t.id).lean())!.share.token).toBeNull();
  });

  it('refuses bodies that are not a change, unknown fields, short passwords and non-ids, with nothing changed', async () => {
    const t = await cast();
    const { creator } = t.people;
    for (const [body, path] of [
      [{}, ''],
      [{ published: 'yes' }, 'published'],
      [{ password: 'abc' }, 'password'],
      [{ password: 'x'.repeat(201) }, 'password'],
      [{ published: true, token: 'mine' }, ''],
    ] as const) {
      const res = await put(creator.client, t.share, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect((await put(creator.client, `/api/workspaces/${t.ws}/videos/not-an-id/share`, { published: true })).status).toBe(404);
    expect((await put(creator.client, t.share, '{"published": tru')).status).toBe(400);
    expect((await server.ctx.models.Video.findById(t.id).lean())!.share).toEqual({ token: null, publishedAt: null, passwordHash: null, passwordVersion: 0, indexable: false });
    // A folder or draft is not a video.
    const draft = await creator.client.post(`/api/workspaces/${t.ws}/items`, { kind: 'draft', name: 'Not a video' });
    expect((await creator.client.get(`/api/workspaces/${t.ws}/videos/${draft.body.id}/share`)).status).toBe(404);
  });

  it('public tokens of the wrong shape, unknown or hostile are a 404 without a crash', async () => {
    for (const token of ['abc', 'x'.repeat(300), '%24where', '..%2F..%2Fetc', 'A'.repeat(32), '%00', '%F0%9F%98%80'.repeat(10)]) {
      for (const suffix of ['', '/file', '/poster', '/captions/en.vtt']) {
        const res = await anonymous().get(`/api/public/videos/${token}${suffix}`);
        expect(res.status, token + suffix).toBe(404);
        expect(res.body.error.code).toBe('not_found');
      }
      expect((await anonymous().post(`/api/public/videos/${token}/unlock`, { password: 'whatever' })).status).toBe(404);
      expect((await fetch(`${server.url}/v/${token}`)).status).toBe(404);
    }
  });
});
