import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, mongoUriFor, startTestServer } from '../support/server.js';
import { contentTeam } from '../support/content.js';
import { ApiClient } from '../support/client.js';
import { runMain } from '../support/process.js';
import { ledgerOfVideo, SHORT_SCRIPT, submitVideo, waitForVideo } from '../support/render-jobs.js';
import { freePort } from '../../server/db/free-port.js';
import { recountLedger } from '../../server/credits/ledger.service.js';
import { finishRender } from '../../server/jobs/job-outcome.js';
import { isFinished, type VideoStatus } from '../../shared/schemas/videos.js';

/*
 * Renders survive their node: a node killed mid-render (SIGKILL, no
 * goodbye) leaves a lease that lapses; another node takes the job over as
 * the next attempt and runs it from the start, and the credits move once.
 */
const LEASE = { RENDER_LEASE_MS: '2000', RENDER_POLL_MS: '150' };

describe('a node killed mid-render', () => {
  const database = freshDatabase();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    // This node takes the requests and runs no renders: the child process runs them.
    server = await startTestServer({ database, env: { ...LEASE, DEFAULT_SEATS: '100', RENDER_NODE_CONCURRENCY: '0' } });
  });
  afterAll(() => server?.close());

  it('is taken over by another node, which renders it from the start; charged exactly once', async () => {
    const port = await freePort();
    const child = runMain({
      ...LEASE,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      SEED_DEMO: 'false',
      MONGODB_URI: mongoUriFor(database),
      BLOB_DIR: server.config.BLOB_DIR!,
      RENDER_ENGINE: 'fake',
      // Slow enough to be killed halfway through.
      RENDER_FAKE_MS: '60000',
      RENDER_NODE_CONCURRENCY: '1',
    });
    let takeover: Awaited<ReturnType<typeof startTestServer>> | null = null;
    try {
      await child.waitForOutput(/running at/, 60_000);
      const t = await contentTeam(server);
      const res = await submitVideo(t.owner.client, t.ws, { title: 'Survivor', script: SHORT_SCRIPT });
      expect(res.status).toBe(202);
      const id = res.body.id as string;
      await waitForVideo(server.ctx, id, ['processing'], 10_000);
      const first = await server.ctx.models.RenderAttempt.findById(`${id}:1`).lean();
      expect(first?.nodeId).toContain(`:${child.child.pid}:`);
      // It is rendering: progress reaches the database.
      const deadline = Date.now() + 10_000;
      while (((await server.ctx.models.Video.findById(id).lean())?.progress ?? 0) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect((await server.ctx.models.Video.findById(id).lean())!.progress).toBeGreaterThan(0);

      child.child.kill('SIGKILL');
      await child.exited;
      expect(await ledgerOfVideo(server.ctx, t.ws, id)).toEqual([{ type: 'hold', amount: -0.5, held: 0.5, op: `hold:${id}` }]);

      process.env.RENDER_FAKE_MS = '1500';
      takeover = await startTestServer({ database, env: { ...LEASE, RENDER_NODE_CONCURRENCY: '1' } });
      const done = await waitForVideo(server.ctx, id, ['completed', 'failed', 'cancelled'], 30_000);
      expect(done).toMatchObject({ status: 'completed', creditsCharged: 0.5, progress: 100 });
      const attempts = await server.ctx.models.RenderAttempt.find({ videoId: id }).lean();
      expect(attempts.map((a) => a.attempt).sort()).toEqual([1, 2]);
      const second = attempts.find((a) => a.attempt === 2)!;
      expect(second.nodeId).not.toBe(first!.nodeId);
      expect(second.nodeId).toContain(`:${process.pid}:`);
      expect(await server.ctx.models.RenderOutcome.findById(id).lean()).toMatchObject({ status: 'completed', attempt: 2 });
      expect(done.file!.version).toMatch(/^2-/);
      expect(await server.ctx.blobs.size(done.file!.key)).toBe(done.file!.size);
      // One hold, one charge, no release (the real length costs what was held).
      expect(await ledgerOfVideo(server.ctx, t.ws, id)).toEqual([
        { type: 'hold', amount: -0.5, held: 0.5, op: `hold:${id}` },
        { type: 'charge', amount: 0, held: -0.5, op: `charge:${id}` },
      ]);
      expect(await recountLedger(server.ctx, t.ws, 'generative')).toMatchObject({ available: 59.5, held: 0, consistent: true });
      expect(await server.ctx.models.RenderSlot.countDocuments({ workspaceId: t.ws })).toBe(0);
      expect(await server.ctx.models.CaptionTrack.countDocuments({ videoId: id })).toBe(1);
    } finally {
      child.child.kill('SIGKILL');
      await takeover?.close();
    }
  }, 120_000);

  it('an outcome whose applier died is applied by the next node that finds the lapsed lease, and applying it again moves nothing', async () => {
    const t = await contentTeam(server);
    const id = (await submitVideo(t.owner.client, t.ws, { title: 'Half done', script: SHORT_SCRIPT })).body.id as string;
    const m = server.ctx.models;
    // What a node leaves when it dies right after deciding a cancel: an attempt with a lapsed lease, its slot, the outcome.
    const past = new Date(Date.now() - 60_000);
    await m.RenderAttempt.create({ _id: `${id}:1`, videoId: id, workspaceId: t.ws, attempt: 1, nodeId: 'gone:1:dead', startedAt: past, leaseUntil: past });
    await m.RenderSlot.create({ _id: `${t.ws}:1`, workspaceId: t.ws, n: 1, videoId: id, at: past });
    await m.RenderOutcome.create({ _id: id, workspaceId: t.ws, status: 'cancelled', attempt: null, error: null, durationSeconds: null, file: null, poster: null, captions: null, actorId: t.owner.user._id, at: past });
    const runner = await startTestServer({ database, env: { ...LEASE, RENDER_NODE_CONCURRENCY: '1' } });
    try {
      const done = await waitForVideo(server.ctx, id, ['cancelled', 'completed', 'failed'], 10_000);
      expect(done).toMatchObject({ status: 'cancelled', creditsCharged: 0 });
      const outcome = (await m.RenderOutcome.findById(id).lean())!;
      await Promise.all([finishRender(server.ctx, outcome), finishRender(runner.ctx, outcome)]);
      expect(await ledgerOfVideo(server.ctx, t.ws, id)).toEqual([
        { type: 'hold', amount: -0.5, held: 0.5, op: `hold:${id}` },
        { type: 'release', amount: 0.5, held: -0.5, op: `release:${id}` },
      ]);
      expect(await m.RenderAttempt.countDocuments({ videoId: id })).toBe(1);
      expect(await m.RenderSlot.countDocuments({ workspaceId: t.ws })).toBe(0);
      expect(await recountLedger(server.ctx, t.ws, 'generative')).toMatchObject({ held: 0, consistent: true });
    } finally {
      await runner.close();
    }
  }, 30_000);
});

describe('a node that stops', () => {
  it('lets its renders go: another node takes them over at once, and each is charged once', async () => {
    process.env.RENDER_FAKE_MS = '4000';
    // A long lease: the takeover comes from the stopping node letting it go, not from it lapsing.
    const env = { RENDER_LEASE_MS: '60000', RENDER_POLL_MS: '150', DEFAULT_SEATS: '100' };
    const a = await startTestServer({ env: { ...env, RENDER_NODE_CONCURRENCY: '2' } });
    let b: Awaited<ReturnType<typeof startTestServer>> | null = null;
    try {
      const t = await contentTeam(a);
      const id = (await submitVideo(t.owner.client, t.ws, { title: 'Moving', script: SHORT_SCRIPT })).body.id as string;
      await waitForVideo(a.ctx, id, ['processing'], 5000);
      b = await startTestServer({ env: { ...env, RENDER_NODE_CONCURRENCY: '2' }, database: a.database });
      const started = Date.now();
      await a.close();
      const done = await waitForVideo(b.ctx, id, ['completed', 'failed', 'cancelled'], 20_000);
      expect(done.status).toBe('completed');
      // Well before the 60-second lease would have lapsed.
      expect(Date.now() - started).toBeLessThan(30_000);
      const attempts = await b.ctx.models.RenderAttempt.find({ videoId: id }).lean();
      expect(attempts.map((x) => x.attempt).sort()).toEqual([1, 2]);
      expect((await ledgerOfVideo(b.ctx, t.ws, id)).map((e) => e.type)).toEqual(['hold', 'charge']);
    } finally {
      await a.close();
      await b?.close();
    }
  }, 60_000);
});

describe('a cancel racing the completion', () => {
  it('has one winner each time: completed and charged (the cancel 409), or cancelled and released (the cancel 200), never both', async () => {
    process.env.RENDER_FAKE_MS = '300';
    const a = await startTestServer({ env: { ...LEASE, DEFAULT_SEATS: '100', RENDER_POLL_MS: '50' } });
    try {
      const t = await contentTeam(a);
      for (let i = 0; i < 12; i++) {
        const id = (await submitVideo(t.owner.client, t.ws, { title: `Race ${i}`, script: 'Hi' })).body.id as string;
        await waitForVideo(a.ctx, id, ['processing', 'completed'], 5000);
        await new Promise((r) => setTimeout(r, 150 + Math.random() * 300));
        const res = await t.owner.client.post(`/api/workspaces/${t.ws}/videos/${id}/cancel`, {});
        await waitForVideo(a.ctx, id, ['completed', 'cancelled', 'failed']);
        await new Promise((r) => setTimeout(r, 100));
        const ledger = (await ledgerOfVideo(a.ctx, t.ws, id)).map((e) => e.type);
        const outcome = (await a.ctx.models.RenderOutcome.findById(id).lean())!;
        const video = (await a.ctx.models.Video.findById(id).lean())!;
        expect(video.status).toBe(outcome.status);
        if (outcome.status === 'cancelled') {
          expect([res.status, ledger, video.file, video.creditsCharged]).toEqual([200, ['hold', 'release'], null, 0]);
        } else {
          expect(outcome.status).toBe('completed');
          expect([res.status, res.body.error.code, ledger, video.creditsCharged]).toEqual([409, 'conflict', ['hold', 'charge'], 0.5]);
          expect(await a.ctx.blobs.size(video.file!.key)).toBe(video.file!.size);
        }
      }
      expect(await recountLedger(a.ctx, t.ws, 'generative')).toMatchObject({ held: 0, consistent: true });
    } finally {
      await a.close();
    }
  }, 90_000);
});

describe('a random mix of submits and cancels on two rendering nodes', () => {
  it('keeps every invariant: ≤ N rendering per workspace at every sample, one outcome per finished job, nothing held at the end, the ledger recount equal to the balance', async () => {
    process.env.RENDER_FAKE_MS = '700';
    const env = { ...LEASE, DEFAULT_SEATS: '100', DEFAULT_GENERATIVE_CREDITS: '8', RENDER_CONCURRENCY: '2', RENDER_NODE_CONCURRENCY: '3' };
    const a = await startTestServer({ env });
    const b = await startTestServer({ env, database: a.database });
    const nodes = [a, b];
    try {
      const teams = [await contentTeam(a), await contentTeam(a)];
      const on = (client: ApiClient) => Object.assign(new ApiClient(nodes[Math.floor(Math.random() * 2)]!.url), { cookie: client.cookie });
      const submitted: Array<{ ws: string; id: string }> = [];
      const codes: number[] = [];
      let sampling = true;
      let most = 0;
      const sampler = (async () => {
        while (sampling) {
          for (const t of teams) {
            const processing = await a.ctx.models.Video.countDocuments({ workspaceId: t.ws, status: 'processing' });
            const slots = await a.ctx.models.RenderSlot.countDocuments({ workspaceId: t.ws });
            most = Math.max(most, processing, slots);
          }
          await new Promise((r) => setTimeout(r, 25));
        }
      })();
      for (let round = 0; round < 6; round++) {
        await Promise.all(
          Array.from({ length: 5 }, async (_, i) => {
            const t = teams[(round + i) % 2]!;
            const cancel = submitted.length > 0 && Math.random() < 0.35;
            if (cancel) {
              const pick = submitted[Math.floor(Math.random() * submitted.length)]!;
              const owner = teams.find((x) => x.ws === pick.ws)!;
              const res = await on(owner.owner.client).post(`/api/workspaces/${pick.ws}/videos/${pick.id}/cancel`, {});
              codes.push(res.status);
              return;
            }
            const script = Math.random() < 0.15 ? `${SHORT_SCRIPT} [[fail]]` : SHORT_SCRIPT;
            const res = await submitVideo(on(t.owner.client), t.ws, { title: `Mix ${round}.${i}`, script });
            codes.push(res.status);
            if (res.status === 202) submitted.push({ ws: t.ws, id: res.body.id });
          }),
        );
        await new Promise((r) => setTimeout(r, 150 + Math.random() * 300));
      }
      for (const s of submitted) await waitForVideo(a.ctx, s.id, ['completed', 'failed', 'cancelled'], 60_000);
      sampling = false;
      await sampler;

      expect(most).toBeLessThanOrEqual(2);
      expect(codes.every((c) => [200, 202, 402, 409].includes(c)), JSON.stringify(codes)).toBe(true);
      expect(submitted.length).toBeGreaterThan(5);
      for (const s of submitted) {
        const [video, outcomes, ledger] = await Promise.all([
          a.ctx.models.Video.findById(s.id).lean(),
          a.ctx.models.RenderOutcome.find({ _id: s.id }).lean(),
          ledgerOfVideo(a.ctx, s.ws, s.id),
        ]);
        expect(outcomes).toHaveLength(1);
        expect(isFinished(video!.status as VideoStatus)).toBe(true);
        expect(video!.status).toBe(outcomes[0]!.status);
        const expected = video!.status === 'completed' ? ['hold', 'charge'] : ['hold', 'release'];
        expect(ledger.map((e) => e.type), `${s.id} ${video!.status}`).toEqual(expected);
        expect(video!.creditsCharged).toBe(video!.status === 'completed' ? 0.5 : 0);
      }
      for (const t of teams) {
        const recount = await recountLedger(a.ctx, t.ws, 'generative');
        const shown = (await t.owner.client.get(`/api/workspaces/${t.ws}/credits`)).body.generative;
        expect(recount.consistent).toBe(true);
        expect(recount.held).toBe(0);
        expect(shown).toEqual({ available: recount.available, held: 0 });
        expect(recount.available).toBeGreaterThanOrEqual(0);
        expect(await a.ctx.models.RenderSlot.countDocuments({ workspaceId: t.ws })).toBe(0);
        expect(await a.ctx.models.RenderJob.countDocuments({ workspaceId: t.ws, open: true })).toBe(0);
      }
    } finally {
      await b.close();
      await a.close();
    }
  }, 120_000);
});
