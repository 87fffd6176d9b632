import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { contentTeam } from '../support/content.js';
import { ApiClient } from '../support/client.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { createApiKey, PublicApiClient, setApiAccess } from '../support/api-keys.js';
import { ledgerOfVideo, SHORT_SCRIPT, submitVideo, waitForVideo } from '../support/render-jobs.js';
import { appendEntry, recountLedger } from '../../server/credits/ledger.service.js';
import { createSubworkspace } from '../../server/commands/create-subworkspace.js';
import { grantId } from '../../server/content/item.model.js';
import { MAX_SCRIPT_LENGTH } from '../../shared/schemas/videos.js';
import type { Role } from '../../shared/schemas/auth.js';

/*
 * What a submit is accepted for and what it holds. The nodes here run no
 * renders (RENDER_NODE_CONCURRENCY=0) unless a test starts one that does, so
 * a submitted video stays `pending` while it is looked at.
 */
const ENV = { DEFAULT_SEATS: '100', DEFAULT_GENERATIVE_CREDITS: '3', RENDER_NODE_CONCURRENCY: '0', RENDER_POLL_MS: '200' };
let server: Awaited<ReturnType<typeof startTestServer>>;
let nodeB: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  process.env.RENDER_FAKE_MS = '400';
  server = await startTestServer({ env: ENV, redis: true });
  nodeB = await startTestServer({ env: ENV, redis: true, database: server.database });
});
afterAll(async () => {
  await nodeB?.close();
  await server?.close();
});

/** 100 words: 2 s of title card + 40 s spoken = 42 s, one credit (two 30-second steps). */
const MINUTE_SCRIPT = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
const ROLES: Role[] = ['super_admin', 'developer', 'creator', 'viewer'];
const on = (client: ApiClient, node: { url: string }) => Object.assign(new ApiClient(node.url), { cookie: client.cookie });

/** What a refused submit must not have changed: the workspace's ledger, items, videos and jobs. */
async function storedOf(workspaceId: string) {
  const m = server.ctx.models;
  return {
    ledger: await m.LedgerEntry.countDocuments({ workspaceId }),
    items: await m.Item.countDocuments({ workspaceId }),
    videos: await m.Video.countDocuments({ workspaceId }),
    jobs: await m.RenderJob.countDocuments({ workspaceId }),
  };
}

describe('credits at submit', () => {
  it('10 parallel submits over two nodes with credits for exactly 3: 3 accepted, 7 refused with what is missing; the ledger adds up, then the 3 are charged once each', async () => {
    const t = await contentTeam(server);
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => submitVideo(on(t.owner.client, i % 2 ? nodeB : server), t.ws, { title: `Parallel ${i}`, script: MINUTE_SCRIPT })),
    );
    const accepted = replies.filter((r) => r.status === 202);
    const refused = replies.filter((r) => r.status === 402);
    expect(accepted).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const r of refused) {
      expect(r.body.error).toEqual({
        code: 'insufficient_credits',
        message: 'This workspace has only 0 generative credits left; 1 is needed.',
        details: { kind: 'generative', available: 0, needed: 1 },
      });
    }
    expect(accepted.map((r) => r.body.creditsHeld)).toEqual([1, 1, 1]);
    expect(await storedOf(t.ws)).toMatchObject({ items: 3, videos: 3, jobs: 3 });
    const recount = await recountLedger(server.ctx, t.ws, 'generative');
    expect(recount).toMatchObject({ available: 0, held: 3, consistent: true });
    expect((await t.owner.client.get(`/api/workspaces/${t.ws}/credits`)).body.generative).toEqual({ available: 0, held: 3 });

    // A node that renders finishes them: each charged once, nothing held, the recount still the balance.
    const runner = await startTestServer({ env: { ...ENV, RENDER_NODE_CONCURRENCY: '2' }, redis: true, database: server.database });
    try {
      for (const r of accepted) expect((await waitForVideo(server.ctx, r.body.id, ['completed', 'failed'])).status).toBe('completed');
    } finally {
      await runner.close();
    }
    for (const r of accepted) {
      expect(await ledgerOfVideo(server.ctx, t.ws, r.body.id)).toEqual([
        { type: 'hold', amount: -1, held: 1, op: `hold:${r.body.id}` },
        { type: 'charge', amount: 0, held: -1, op: `charge:${r.body.id}` },
      ]);
    }
    const after = await recountLedger(server.ctx, t.ws, 'generative');
    expect(after).toMatchObject({ available: 0, held: 0, consistent: true });
    expect((await t.owner.client.get(`/api/workspaces/${t.ws}/credits`)).body.generative).toEqual({ available: 0, held: 0 });
  }, 60_000);

  it('holds in half credits: a short script holds 0.5, and a submit the balance cannot cover stores nothing', async () => {
    const t = await contentTeam(server);
    const ok = await submitVideo(t.owner.client, t.ws, { title: 'Short', script: SHORT_SCRIPT });
    expect([ok.status, ok.body.creditsHeld]).toEqual([202, 0.5]);
    await submitVideo(t.owner.client, t.ws, { title: 'Long', script: MINUTE_SCRIPT });
    const before = await storedOf(t.ws);
    // 300 words: 122 s, five 30-second steps, 2.5 credits; 1.5 are left.
    const res = await submitVideo(t.owner.client, t.ws, { title: 'Too long', script: `${MINUTE_SCRIPT} ${MINUTE_SCRIPT} ${MINUTE_SCRIPT}` });
    expect([res.status, res.body.error.code, res.body.error.details]).toEqual([402, 'insufficient_credits', { kind: 'generative', available: 1.5, needed: 2.5 }]);
    expect(await storedOf(t.ws)).toEqual(before);
  });
});

describe('bad input', () => {
  it('is refused with the right code and stores nothing', async () => {
    const t = await contentTeam(server);
    const otherFolder = (await t.stranger.client.post(`/api/workspaces/${t.otherWs}/items`, { kind: 'folder', name: 'Theirs' })).body.id as string;
    const draft = (await t.owner.client.post(`/api/workspaces/${t.ws}/items`, { kind: 'draft', name: 'A draft' })).body.id as string;
    const theirAvatar = (await t.stranger.client.post(`/api/workspaces/${t.otherWs}/assets`, { kind: 'avatar', name: 'Their avatar' })).body.id as string;
    const myVoice = (await t.owner.client.post(`/api/workspaces/${t.ws}/assets`, { kind: 'voice', name: 'Claire' })).body.id as string;
    const before = await storedOf(t.ws);
    const base = { title: 'Fine', script: SHORT_SCRIPT };
    const cases: Array<[Record<string, unknown>, number, string, string?]> = [
      [{ ...base, script: 'x'.repeat(MAX_SCRIPT_LENGTH + 1) }, 400, 'validation_failed', 'script'],
      [{ ...base, script: '   ' }, 400, 'validation_failed', 'script'],
      [{ ...base, script: 'Hello\u0007there' }, 400, 'validation_failed', 'script'],
      [{ ...base, title: 'T'.repeat(10_000) }, 400, 'validation_failed', 'title'],
      [{ ...base, title: '' }, 400, 'validation_failed', 'title'],
      [{ ...base, avatarId: 'abcdef0123456789abcdef01' }, 400, 'validation_failed', 'avatarId'],
      [{ ...base, avatarId: theirAvatar }, 400, 'validation_failed', 'avatarId'],
      [{ ...base, avatarId: myVoice }, 400, 'validation_failed', 'avatarId'],
      [{ ...base, voiceId: theirAvatar }, 400, 'validation_failed', 'voiceId'],
      [{ ...base, brandKitId: myVoice }, 400, 'validation_failed', 'brandKitId'],
      [{ ...base, language: 'de' }, 400, 'validation_failed', 'language'],
      [{ ...base, extra: true }, 400, 'validation_failed'],
      [{ ...base, folderId: otherFolder }, 404, 'not_found'],
      [{ ...base, folderId: 'abcdef0123456789abcdef01' }, 404, 'not_found'],
      [{ ...base, folderId: draft }, 400, 'validation_failed', 'folderId'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await submitVideo(t.owner.client, t.ws, body);
      const what = JSON.stringify(body).slice(0, 80);
      expect([res.status, res.body.error?.code], what).toEqual([status, code]);
      if (field) expect(res.body.error.details.map((d: { path: string }) => d.path), what).toContain(field);
    }
    const kinds = await submitVideo(t.owner.client, t.ws, { ...base, avatarId: myVoice });
    expect(kinds.body.error.details).toEqual([{ path: 'avatarId', message: '“Claire” is not an avatar' }]);
    const foreign = await submitVideo(t.owner.client, t.ws, { ...base, avatarId: theirAvatar });
    expect(foreign.body.error.details).toEqual([{ path: 'avatarId', message: 'There is no such avatar in this workspace’s library' }]);
    // A Viewer may not ask for videos; a stranger does not know the workspace.
    const viewer = await submitVideo(t.people.viewer.client, t.ws, base);
    expect([viewer.status, viewer.body.error.code]).toEqual([403, 'forbidden']);
    const stranger = await submitVideo(t.stranger.client, t.ws, base);
    expect([stranger.status, stranger.body.error.code]).toEqual([404, 'not_found']);
    const malformed = await t.owner.client.request('POST', `/api/workspaces/${t.ws}/videos`, '{"title":');
    expect(malformed.status).toBe(400);
    expect(await storedOf(t.ws)).toEqual(before);

    // Another tenant's video, a non-video item, an id that cannot exist: 404 on every route.
    const theirs = (await submitVideo(t.stranger.client, t.otherWs, base)).body.id as string;
    for (const id of [theirs, draft, otherFolder, 'abcdef0123456789abcdef01', 'not-an-id!']) {
      for (const [method, path] of [['GET', ''], ['POST', '/cancel']] as const) {
        const res = await t.owner.client.request(method, `/api/workspaces/${t.ws}/videos/${id}${path}`, method === 'POST' ? {} : undefined);
        expect([res.status, res.body.error.code], `${method} ${id}${path}`).toEqual([404, 'not_found']);
      }
    }
    expect(await server.ctx.models.Video.findById(theirs).lean()).toMatchObject({ status: 'pending' });
  });

  it('an asset of the same account that is not (or no longer) shared with the workspace is refused in words; shared in, it is used', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const rootId = await createWorkspace(server.ctx, owner.user._id, [], 'Parent');
    await server.ctx.models.Workspace.updateOne({ _id: rootId }, { $set: { avatarSlots: 20 } });
    const root = (await server.ctx.models.Workspace.findById(rootId).lean())!;
    const { workspace: sub } = await createSubworkspace(server.ctx, root, owner.user, { name: 'Studio', billingMode: 'independent', apiAccess: false, members: [] });
    await appendEntry(server.ctx, { workspaceId: sub._id, kind: 'generative', type: 'grant', amount: 3, actorId: null, ref: null });
    const avatar = (await owner.client.post(`/api/workspaces/${rootId}/assets`, { kind: 'avatar', name: 'Ava', data: { style: 'studio' } })).body.id as string;
    const voice = (await owner.client.post(`/api/workspaces/${rootId}/assets`, { kind: 'voice', name: 'Claire', data: { language: 'fr-FR', gender: 'female' } })).body.id as string;
    const kit = (await owner.client.post(`/api/workspaces/${rootId}/assets`, { kind: 'brand_kit', name: 'Brand', data: { colors: ['#112233', '#445566'] } })).body.id as string;
    const body = { title: 'Bonjour', script: 'Bonjour à tous et bienvenue.', avatarId: avatar, voiceId: voice, brandKitId: kit };
    const before = await storedOf(sub._id);
    const refused = await submitVideo(owner.client, sub._id, body);
    expect([refused.status, refused.body.error.code]).toEqual([400, 'validation_failed']);
    expect(refused.body.error.details).toEqual(
      expect.arrayContaining([{ path: expect.stringMatching(/^(avatarId|voiceId|brandKitId)$/), message: expect.stringMatching(/^This (avatar|voice|brand kit) is no longer shared with this workspace$/) }]),
    );
    expect(await storedOf(sub._id)).toEqual(before);

    for (const id of [avatar, voice, kit]) expect((await owner.client.post(`/api/workspaces/${rootId}/assets/${id}/shares`, { workspaceIds: [sub._id] })).status).toBe(200);
    const ok = await submitVideo(owner.client, sub._id, body);
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    const video = (await server.ctx.models.Video.findById(ok.body.id).lean())!;
    expect(video.language).toBe('fr');
    expect(video.look).toEqual({
      avatar: { id: avatar, name: 'Ava', style: 'studio', image: null },
      voice: { id: voice, name: 'Claire', gender: 'female' },
      brandKit: { id: kit, name: 'Brand', colors: ['#112233', '#445566'], logo: null },
    });
    const page = await owner.client.get(`/api/workspaces/${sub._id}/videos/${ok.body.id}`);
    expect(page.body).toMatchObject({ language: 'fr', avatar: { id: avatar, name: 'Ava' }, voice: { id: voice, name: 'Claire' }, brandKit: { id: kit, name: 'Brand' } });

    // Unshared again: refused again, with the field named.
    expect((await owner.client.request('DELETE', `/api/workspaces/${rootId}/assets/${voice}/shares/${sub._id}`)).status).toBe(204);
    const again = await submitVideo(owner.client, sub._id, body);
    expect([again.status, again.body.error.details]).toEqual([400, [{ path: 'voiceId', message: 'This voice is no longer shared with this workspace' }]]);
    // The video already asked for keeps what it was made from.
    expect((await server.ctx.models.Video.findById(ok.body.id).lean())!.look.voice).toEqual({ id: voice, name: 'Claire', gender: 'female' });
  });
});

describe('who may create, open and cancel', () => {
  it('per role: Viewers create nothing; a private video is the owner’s and Super Admins’; shared, others see it and only those with edit (never a Viewer) cancel it', async () => {
    const t = await contentTeam(server);
    const mine: Partial<Record<Role, string>> = {};
    for (const role of ROLES) {
      const res = await submitVideo(t.people[role].client, t.ws, { title: `${role} video`, script: 'Hi' });
      expect(res.status, role).toBe(role === 'viewer' ? 403 : 202);
      if (res.status === 202) mine[role] = res.body.id;
    }
    const owners = await submitVideo(t.owner.client, t.ws, { title: 'Owner video', script: 'Hi' });
    const id = owners.body.id as string;
    const get = (role: Role) => t.people[role].client.get(`/api/workspaces/${t.ws}/videos/${id}`);
    const cancel = (role: Role, videoId = id) => t.people[role].client.post(`/api/workspaces/${t.ws}/videos/${videoId}/cancel`, {});
    expect((await get('super_admin')).body).toMatchObject({ access: 'edit', manage: true });
    for (const role of ['developer', 'creator', 'viewer'] as Role[]) {
      expect((await get(role)).status, role).toBe(404);
      expect((await cancel(role)).status, role).toBe(404);
    }
    // Shared with the workspace to view: everyone sees it, nobody but Super Admins may cancel it.
    await server.ctx.models.Item.updateOne({ _id: id }, { $set: { general: { scope: 'workspace', role: 'view' } } });
    for (const role of ['developer', 'creator', 'viewer'] as Role[]) {
      expect((await get(role)).body, role).toMatchObject({ id, access: 'view', manage: false, status: 'pending' });
      const res = await cancel(role);
      expect([res.status, res.body.error.code], role).toEqual([403, 'forbidden']);
    }
    // Edit granted to a Viewer is capped at view; to a Creator it lets them cancel.
    for (const role of ['viewer', 'creator'] as Role[]) {
      const userId = t.people[role].user._id;
      await server.ctx.models.Grant.create({ _id: grantId(id, userId), itemId: id, userId, workspaceId: t.ws, role: 'edit', expiresAt: null, grantedBy: t.owner.user._id, at: new Date() });
    }
    expect((await cancel('viewer')).status).toBe(403);
    expect(await server.ctx.models.Video.findById(id).lean()).toMatchObject({ status: 'pending' });
    const byCreator = await cancel('creator');
    expect([byCreator.status, byCreator.body.status]).toEqual([200, 'cancelled']);
    // Each may open and cancel their own.
    for (const role of ['super_admin', 'developer', 'creator'] as Role[]) {
      expect((await t.people[role].client.get(`/api/workspaces/${t.ws}/videos/${mine[role]}`)).body, role).toMatchObject({ access: 'edit', status: 'pending', createdBy: t.people[role].user._id });
      expect((await cancel(role, mine[role])).body.status, role).toBe('cancelled');
    }
    expect(await recountLedger(server.ctx, t.ws, 'generative')).toMatchObject({ available: 3, held: 0, consistent: true });
  });
});

describe('the public API', () => {
  it('POST /api/v1/videos asks as the key’s maker (202, pending, held); GET shows it; another workspace’s ids and non-videos are 404', async () => {
    const t = await contentTeam(server);
    await setApiAccess(t.owner.client, t.ws, true);
    const { secret } = await createApiKey(t.people.developer.client, t.ws);
    const api = new PublicApiClient(server.url, secret);
    const res = await api.call('POST', '/videos', { title: 'From the API', script: SHORT_SCRIPT });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), title: 'From the API', status: 'pending', progress: 0, durationSeconds: null, creditsHeld: 0.5, creditsCharged: null, fileUrl: null, posterUrl: null });
    const item = await server.ctx.models.Item.findById(res.body.id).lean();
    expect(item).toMatchObject({ ownerId: t.people.developer.user._id, kind: 'video', workspaceId: t.ws });
    expect(await ledgerOfVideo(server.ctx, t.ws, res.body.id)).toEqual([{ type: 'hold', amount: -0.5, held: 0.5, op: `hold:${res.body.id}` }]);
    const got = await api.get(`/videos/${res.body.id}`);
    expect([got.status, got.body]).toEqual([200, res.body]);

    const theirs = (await submitVideo(t.stranger.client, t.otherWs, { title: 'Theirs', script: 'Hi' })).body.id as string;
    const folder = (await t.owner.client.post(`/api/workspaces/${t.ws}/items`, { kind: 'folder', name: 'Folder' })).body.id as string;
    for (const id of [theirs, folder]) expect((await api.get(`/videos/${id}`)).status).toBe(404);
    const bad = await api.call('POST', '/videos', { title: 'x', script: 'x'.repeat(MAX_SCRIPT_LENGTH + 1) });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_failed']);
    const foreignFolder = await api.call('POST', '/videos', { title: 'x', script: 'Hi', folderId: (await t.stranger.client.post(`/api/workspaces/${t.otherWs}/items`, { kind: 'folder', name: 'F' })).body.id });
    expect([foreignFolder.status, foreignFolder.body.error.code]).toEqual([404, 'not_found']);
  });
});
