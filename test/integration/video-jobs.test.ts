import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { contentTeam } from '../support/content.js';
import { ApiClient as ApiClientOf, connectSocket, emitAck, waitFor, type ApiClient, type TestSocket } from '../support/client.js';
import { ledgerOfVideo, SHORT_SCRIPT, submitVideo, waitForVideo } from '../support/render-jobs.js';
import { runnerOf } from '../../server/jobs/job-runner.js';
import { recountLedger } from '../../server/credits/ledger.service.js';
import { estimateSeconds } from '../../shared/schemas/videos.js';
import type { EventEnvelope } from '../../shared/events.js';

const ENV = { DEFAULT_SEATS: '100', RENDER_POLL_MS: '200', RENDER_CONCURRENCY: '2' };
let server: Awaited<ReturnType<typeof startTestServer>>;
/** A second node of the same database that runs no renders itself (RENDER_NODE_CONCURRENCY=0): what it is asked reaches the renders node A runs. */
let nodeB: Awaited<ReturnType<typeof startTestServer>>;
const sockets: TestSocket[] = [];
beforeAll(async () => {
  process.env.RENDER_FAKE_MS = '3000';
  server = await startTestServer({ env: ENV, redis: true });
  nodeB = await startTestServer({ env: { ...ENV, RENDER_NODE_CONCURRENCY: '0' }, redis: true, database: server.database });
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  await nodeB?.close();
  await server?.close();
});

const asOn = (client: ApiClient, node: { url: string }) => Object.assign(new ApiClientOf(node.url), { cookie: client.cookie });

/** The person's newest notification of a type, once it arrived. */
async function notificationOf(client: ApiClient, type: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = (await client.get('/api/notifications')).body.items.find((n: { type: string }) => n.type === type);
    if (found || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The id of the render runner of a node (its attempts carry it). */
const runnerNodeOf = (node: { ctx: unknown }) => runnerOf(node.ctx as never)?.nodeId;

const videoEvents = (s: TestSocket, id: string) => s.received.filter((e: EventEnvelope) => e.type === 'video.updated' && e.data.id === id).map((e) => e.data as { status: string; progress: number; video: { creditsCharged: number | null } });

describe('a render from submit to completion', () => {
  it('goes pending → processing (rising progress, live) → completed, with the file, poster and captions stored and the real cost charged from the hold', async () => {
    const t = await contentTeam(server);
    const socket = await connectSocket(server.url, t.owner.client.cookie);
    sockets.push(socket);
    expect(await emitAck(socket, 'workspace:subscribe', { workspaceId: t.ws })).toMatchObject({ ok: true });
    // A member who cannot see the (private) video hears nothing of it.
    const outsider = await connectSocket(server.url, t.people.developer.client.cookie);
    sockets.push(outsider);
    expect(await emitAck(outsider, 'workspace:subscribe', { workspaceId: t.ws })).toMatchObject({ ok: true });
    const res = await submitVideo(t.owner.client, t.ws, { title: 'Spring update', script: SHORT_SCRIPT });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const id = res.body.id as string;
    expect(res.body).toEqual({ id, title: 'Spring update', status: 'pending', progress: 0, durationSeconds: null, creditsHeld: 0.5, creditsCharged: null, fileUrl: null, posterUrl: null });

    // The item is there at once, with its status, and its creation was announced.
    const list = await t.owner.client.get(`/api/workspaces/${t.ws}/items`);
    expect(list.body.items.find((i: { id: string }) => i.id === id)).toMatchObject({ kind: 'video', name: 'Spring update', status: expect.stringMatching(/pending|processing/) });
    await waitFor(() => socket.received.some((e) => e.type === 'item.created' && (e.data.item as { id: string }).id === id), 'item.created');
    const credits = await t.owner.client.get(`/api/workspaces/${t.ws}/credits`);
    expect(credits.body.generative).toEqual({ available: 59.5, held: 0.5 });

    await waitForVideo(server.ctx, id, ['processing'], 5000);
    const done = await waitForVideo(server.ctx, id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    await waitFor(() => videoEvents(socket, id).some((e) => e.status === 'completed'), 'video.updated completed');

    const events = videoEvents(socket, id);
    const processing = events.filter((e) => e.status === 'processing');
    expect(processing.length).toBeGreaterThanOrEqual(2);
    const progress = processing.map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toBeGreaterThan(0);
    expect(events[events.length - 1]).toMatchObject({ status: 'completed', progress: 100, video: { creditsCharged: 0.5 } });
    // Lists hear of each status change.
    const itemStatuses = () => socket.received.filter((e) => e.type === 'item.updated' && (e.data.item as { id: string }).id === id).map((e) => (e.data.item as { status: string }).status);
    await waitFor(() => itemStatuses().includes('completed'), 'item.updated completed');
    expect(itemStatuses()).toEqual(['processing', 'completed']);

    const page = await t.owner.client.get(`/api/workspaces/${t.ws}/videos/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      id,
      title: 'Spring update',
      status: 'completed',
      progress: 100,
      durationSeconds: estimateSeconds(SHORT_SCRIPT),
      creditsHeld: 0,
      creditsCharged: 0.5,
      fileUrl: `/api/workspaces/${t.ws}/videos/${id}/file?v=${done.file!.version}`,
      posterUrl: `/api/workspaces/${t.ws}/videos/${id}/poster?v=${done.poster!.version}`,
      parentId: null,
      path: [],
      ownerId: t.owner.user._id,
      createdBy: t.owner.user._id,
      script: SHORT_SCRIPT,
      language: 'en',
      estimatedSeconds: estimateSeconds(SHORT_SCRIPT),
      avatar: null,
      voice: null,
      brandKit: null,
      queuePosition: null,
      access: 'edit',
      manage: true,
    });
    expect(page.body.completedAt).toEqual(expect.any(String));
    expect(page.body.error).toBeUndefined();

    // The files are in the blob store under the video's prefix, with the sizes recorded.
    expect(done.file!.key).toMatch(new RegExp(`^videos/${id}/[a-z0-9-]+\\.webm$`));
    expect(done.poster!.key).toMatch(new RegExp(`^videos/${id}/poster-[a-z0-9-]+\\.jpg$`));
    expect(await server.ctx.blobs.size(done.file!.key)).toBe(done.file!.size);
    expect(await server.ctx.blobs.size(done.poster!.key)).toBe(done.poster!.size);
    expect(done.file!.size).toBeGreaterThan(100);
    const track = await server.ctx.models.CaptionTrack.findById(`${id}:en`).lean();
    expect(track).toMatchObject({ lang: 'en', label: 'English', videoId: id, workspaceId: t.ws });
    expect(track!.vtt).toContain('Welcome to our spring update.');

    expect(await ledgerOfVideo(server.ctx, t.ws, id)).toEqual([
      { type: 'hold', amount: -0.5, held: 0.5, op: `hold:${id}` },
      { type: 'charge', amount: 0, held: -0.5, op: `charge:${id}` },
    ]);
    const after = await t.owner.client.get(`/api/workspaces/${t.ws}/credits`);
    expect(after.body.generative).toEqual({ available: 59.5, held: 0 });
    const recount = await recountLedger(server.ctx, t.ws, 'generative');
    expect(recount).toMatchObject({ available: 59.5, held: 0, consistent: true });
    await waitFor(() => socket.received.some((e) => e.type === 'credits.updated' && (e.data.generative as { held: number }).held === 0), 'credits.updated');

    expect(outsider.received.filter((e) => JSON.stringify(e.data).includes(id))).toEqual([]);
    expect(outsider.received.some((e) => e.type === 'credits.updated')).toBe(true);
    expect(await notificationOf(t.owner.client, 'video.completed')).toMatchObject({ workspaceId: t.ws, data: { videoId: id, title: 'Spring update', creditsCharged: 0.5 } });
  }, 30_000);

  it('a render that breaks fails with its reason, charges nothing and gives the hold back', async () => {
    const t = await contentTeam(server);
    const socket = await connectSocket(server.url, t.people.creator.client.cookie);
    sockets.push(socket);
    const res = await submitVideo(t.people.creator.client, t.ws, { title: 'Broken', script: `This one breaks [[fail]] halfway through.` });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    const done = await waitForVideo(server.ctx, id, ['completed', 'failed']);
    expect(done).toMatchObject({ status: 'failed', error: 'The encoder stopped halfway through this video', creditsCharged: 0, file: null });
    const page = await t.people.creator.client.get(`/api/workspaces/${t.ws}/videos/${id}`);
    expect(page.body).toMatchObject({ status: 'failed', error: 'The encoder stopped halfway through this video', creditsCharged: 0, creditsHeld: 0, fileUrl: null });
    expect(await ledgerOfVideo(server.ctx, t.ws, id)).toEqual([
      { type: 'hold', amount: -0.5, held: 0.5, op: `hold:${id}` },
      { type: 'release', amount: 0.5, held: -0.5, op: `release:${id}` },
    ]);
    expect((await t.owner.client.get(`/api/workspaces/${t.ws}/credits`)).body.generative).toEqual({ available: 60, held: 0 });
    expect(await server.ctx.blobs.size(`videos/${id}`)).toBeNull();
    await waitFor(() => videoEvents(socket, id).some((e) => e.status === 'failed'), 'video.updated failed');
    expect(await notificationOf(t.people.creator.client, 'video.failed')).toMatchObject({ data: { videoId: id, title: 'Broken', error: 'The encoder stopped halfway through this video' } });
  }, 30_000);
});

describe('cancelling', () => {
  it('cancels a render still waiting its turn: cancelled, nothing charged, the hold back, no file', async () => {
    const t = await contentTeam(server);
    const ids: string[] = [];
    for (const title of ['One', 'Two', 'Three']) ids.push((await submitVideo(t.owner.client, t.ws, { title, script: SHORT_SCRIPT })).body.id);
    const third = ids[2]!;
    const waiting = await t.owner.client.get(`/api/workspaces/${t.ws}/videos/${third}`);
    expect(waiting.body).toMatchObject({ status: 'pending', queuePosition: expect.any(Number) });
    const res = await t.owner.client.post(`/api/workspaces/${t.ws}/videos/${third}/cancel`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: third, status: 'cancelled', creditsHeld: 0, creditsCharged: 0, fileUrl: null, queuePosition: null });
    expect(await ledgerOfVideo(server.ctx, t.ws, third)).toEqual([
      { type: 'hold', amount: -0.5, held: 0.5, op: `hold:${third}` },
      { type: 'release', amount: 0.5, held: -0.5, op: `release:${third}` },
    ]);
    // Again: 409, nothing moves.
    const again = await t.owner.client.post(`/api/workspaces/${t.ws}/videos/${third}/cancel`, {});
    expect([again.status, again.body.error.code]).toEqual([409, 'conflict']);
    for (const id of ids.slice(0, 2)) expect((await waitForVideo(server.ctx, id, ['completed', 'failed'])).status).toBe('completed');
    await new Promise((r) => setTimeout(r, 600));
    expect(await server.ctx.models.Video.findById(third).lean()).toMatchObject({ status: 'cancelled', file: null, creditsCharged: 0 });
    expect(await server.ctx.models.RenderAttempt.countDocuments({ videoId: third })).toBe(0);
    expect(await server.ctx.models.Item.findById(third).lean()).toMatchObject({ status: 'cancelled' });
    expect((await t.owner.client.get(`/api/workspaces/${t.ws}/credits`)).body.generative).toEqual({ available: 59, held: 0 });
    const done = await t.owner.client.post(`/api/workspaces/${t.ws}/videos/${ids[0]}/cancel`, {});
    expect([done.status, done.body.error.code]).toEqual([409, 'conflict']);
  }, 30_000);

  it('a cancel on node B stops the render node A is running: cancelled, nothing charged, and a viewer on either node sees it live', async () => {
    const t = await contentTeam(server);
    const onA = await connectSocket(server.url, t.owner.client.cookie);
    const onB = await connectSocket(nodeB.url, t.owner.client.cookie);
    sockets.push(onA, onB);
    const id = (await submitVideo(asOn(t.owner.client, nodeB), t.ws, { title: 'Stopped', script: SHORT_SCRIPT })).body.id as string;
    await waitForVideo(server.ctx, id, ['processing'], 5000);
    const attempt = await server.ctx.models.RenderAttempt.findById(`${id}:1`).lean();
    expect(attempt?.nodeId).toBe(runnerNodeOf(server));
    await waitFor(() => videoEvents(onB, id).some((e) => e.status === 'processing'), 'processing on B');
    const res = await asOn(t.owner.client, nodeB).post(`/api/workspaces/${t.ws}/videos/${id}/cancel`, {});
    expect([res.status, res.body.status, res.body.creditsCharged]).toEqual([200, 'cancelled', 0]);
    for (const s of [onA, onB]) await waitFor(() => videoEvents(s, id).some((e) => e.status === 'cancelled'), 'cancelled live');
    // Node A stopped: no file, no later status, its temporary files gone.
    await new Promise((r) => setTimeout(r, 3500));
    const v = await server.ctx.models.Video.findById(id).lean();
    expect(v).toMatchObject({ status: 'cancelled', file: null, poster: null, creditsCharged: 0 });
    expect(await server.ctx.blobs.size(`videos/${id}`)).toBeNull();
    expect(videoEvents(onA, id).at(-1)?.status).toBe('cancelled');
    expect(await ledgerOfVideo(server.ctx, t.ws, id)).toEqual([
      { type: 'hold', amount: -0.5, held: 0.5, op: `hold:${id}` },
      { type: 'release', amount: 0.5, held: -0.5, op: `release:${id}` },
    ]);
    expect(await server.ctx.models.CaptionTrack.countDocuments({ videoId: id })).toBe(0);
  }, 30_000);
});

describe('the queue', () => {
  it('runs at most RENDER_CONCURRENCY renders of a workspace at once over three rendering nodes, starting them in submit order', async () => {
    // Three nodes of their own database, one render each: room for 3, the workspace's cap is 2, so the cap is what holds it.
    const one = { ...ENV, RENDER_NODE_CONCURRENCY: '1' };
    const c = await startTestServer({ env: one, redis: true });
    const others = [await startTestServer({ env: one, redis: true, database: c.database }), await startTestServer({ env: one, redis: true, database: c.database })];
    const cluster = [c, ...others];
    try {
      const t = await contentTeam(c);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await submitVideo(asOn(t.owner.client, cluster[i % 3]!), t.ws, { title: `Clip ${i + 1}`, script: SHORT_SCRIPT })).body.id);
      let most = 0;
      let mostOnANode = 0;
      const nodes = new Set<string>();
      for (;;) {
        const videos = await c.ctx.models.Video.find({ workspaceId: t.ws }).lean();
        const processing = videos.filter((v) => v.status === 'processing').length;
        const slots = await c.ctx.models.RenderSlot.countDocuments({ workspaceId: t.ws });
        most = Math.max(most, processing, slots);
        const attempts = await c.ctx.models.RenderAttempt.find({ workspaceId: t.ws }).lean();
        for (const a of attempts) nodes.add(a.nodeId);
        // RENDER_NODE_CONCURRENCY=1: no node runs two at once.
        const running = new Set(videos.filter((v) => v.status === 'processing').map((v) => v._id));
        const perNode = new Map<string, number>();
        for (const a of attempts.filter((x) => running.has(x.videoId))) perNode.set(a.nodeId, (perNode.get(a.nodeId) ?? 0) + 1);
        mostOnANode = Math.max(mostOnANode, ...perNode.values(), 0);
        if (videos.every((v) => v.status === 'completed' || v.status === 'failed')) break;
        await new Promise((r) => setTimeout(r, 40));
      }
      expect(most).toBe(2);
      expect(mostOnANode).toBe(1);
      expect(nodes.size).toBeGreaterThanOrEqual(2);
      const attempts = await c.ctx.models.RenderAttempt.find({ workspaceId: t.ws }).lean();
      expect(attempts.map((a) => a.attempt)).toEqual([1, 1, 1, 1, 1]);
      const startOrder = [...attempts].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime()).map((a) => a.videoId);
      expect(startOrder).toEqual(ids);
      const videos = await c.ctx.models.Video.find({ workspaceId: t.ws }).lean();
      expect(videos.map((v) => [v.status, v.creditsCharged])).toEqual(ids.map(() => ['completed', 0.5]));
      expect(await c.ctx.models.RenderSlot.countDocuments({ workspaceId: t.ws })).toBe(0);
    } finally {
      for (const n of cluster.reverse()) await n.close();
    }
  }, 60_000);
});

describe('deleting', () => {
  it('a video deleted while it renders: the render stops, the hold comes back, its files, captions, links and job go', async () => {
    const t = await contentTeam(server);
    const folder = (await t.owner.client.post(`/api/workspaces/${t.ws}/items`, { kind: 'folder', name: 'Drafts' })).body.id as string;
    const first = (await submitVideo(t.owner.client, t.ws, { title: 'First', script: SHORT_SCRIPT, folderId: folder })).body.id as string;
    const finished = (await submitVideo(t.owner.client, t.ws, { title: 'Finished', script: SHORT_SCRIPT, folderId: folder })).body.id as string;
    await waitForVideo(server.ctx, finished, ['completed']);
    const again = (await submitVideo(t.owner.client, t.ws, { title: 'Again', script: SHORT_SCRIPT })).body.id as string;
    await waitForVideo(server.ctx, again, ['processing'], 5000);
    const file = (await server.ctx.models.Video.findById(finished).lean())!.file!;
    expect(await server.ctx.blobs.size(file.key)).toBe(file.size);
    await server.ctx.models.PublicLink.create({ _id: `tok${finished}`, videoId: finished, workspaceId: t.ws, createdAt: new Date() });

    expect((await t.owner.client.request('DELETE', `/api/workspaces/${t.ws}/items/${again}`)).status).toBe(204);
    expect((await t.owner.client.request('DELETE', `/api/workspaces/${t.ws}/items/${folder}`)).status).toBe(204);
    // Longer than the rest of the render would take: a render that did not stop would have stored its file by now.
    await new Promise((r) => setTimeout(r, 3500));
    for (const id of [first, finished, again]) {
      expect(await server.ctx.models.Video.findById(id).lean()).toBeNull();
      expect(await server.ctx.models.Item.findById(id).lean()).toBeNull();
      expect(await server.ctx.models.RenderJob.findById(id).lean()).toBeNull();
      expect(await server.ctx.models.CaptionTrack.countDocuments({ videoId: id })).toBe(0);
      expect(await server.ctx.models.PublicLink.countDocuments({ videoId: id })).toBe(0);
      expect(await server.ctx.blobs.size(`videos/${id}`)).toBeNull();
      expect(await server.ctx.blobs.size(`videos/${id}/${file.version}.webm`)).toBeNull();
    }
    expect((await ledgerOfVideo(server.ctx, t.ws, again)).map((e) => e.type)).toEqual(['hold', 'release']);
    expect((await ledgerOfVideo(server.ctx, t.ws, finished)).map((e) => e.type)).toEqual(['hold', 'charge']);
    const recount = await recountLedger(server.ctx, t.ws, 'generative');
    expect(recount).toMatchObject({ held: 0, consistent: true });
    expect((await t.owner.client.get(`/api/workspaces/${t.ws}/credits`)).body.generative.held).toBe(0);
  }, 40_000);

  it('a deleted workspace takes its videos with it, their holds given back first', async () => {
    const t = await contentTeam(server);
    const id = (await submitVideo(t.owner.client, t.ws, { title: 'Going', script: SHORT_SCRIPT })).body.id as string;
    await waitForVideo(server.ctx, id, ['processing'], 5000);
    expect((await t.owner.client.request('DELETE', `/api/workspaces/${t.ws}`)).status).toBe(204);
    await new Promise((r) => setTimeout(r, 3500));
    expect(await server.ctx.models.Video.countDocuments({ workspaceId: t.ws })).toBe(0);
    expect(await server.ctx.models.RenderJob.countDocuments({ workspaceId: t.ws })).toBe(0);
    expect(await server.ctx.blobs.size(`videos/${id}`)).toBeNull();
    expect((await ledgerOfVideo(server.ctx, t.ws, id)).map((e) => e.type)).toEqual(['hold', 'release']);
    expect(await recountLedger(server.ctx, t.ws, 'generative')).toMatchObject({ held: 0, consistent: true });
  }, 30_000);
});
