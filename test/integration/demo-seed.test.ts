import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { ApiClient } from '../support/client.js';
import { seedDemo } from '../../server/seed/demo.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { NODE_ENV: 'development' } });
});
afterAll(() => server?.close());

describe('the demo seed', () => {
  it('shows each feature at work on first sign-in, and seeds only an empty database', async () => {
    const demo = (await seedDemo(server.ctx))!;
    expect(demo).toEqual({
      email: 'owner@demo.example',
      password: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/),
      workspaceId: expect.any(String),
      videoUrl: expect.stringMatching(/^http:\/\/localhost:\d+\/v\/[A-Za-z0-9_-]{22,}$/),
    });
    expect(await seedDemo(server.ctx)).toBeNull();

    const owner = new ApiClient(server.url);
    expect((await owner.post('/api/auth/login', { email: demo.email, password: demo.password })).status).toBe(200);
    const me = (await owner.get('/api/me')).body;
    expect(me.user.emailVerified).toBe(true);
    expect(me.features).toEqual({ devOutbox: true });
    const ws = demo.workspaceId;
    const studio = (await owner.get(`/api/workspaces/${ws}`)).body;
    expect(studio).toMatchObject({ name: 'Demo Studio', memberCount: 4, settings: { companyDomains: ['demo.example'] }, seats: { limit: 15 } });

    const subs = (await owner.get(`/api/workspaces/${ws}/subworkspaces`)).body.items;
    expect(subs.map((s: { name: string; settings: { billingMode: string; apiAccess: boolean; requireApproval: boolean } }) => [s.name, s.settings.billingMode, s.settings.apiAccess, s.settings.requireApproval]).sort()).toEqual([
      ['Acme (agency client)', 'independent', true, false],
      ['Marketing', 'inherited', false, true],
    ]);
    const marketing = subs.find((s: { name: string }) => s.name === 'Marketing').id;
    const requests = (await owner.get(`/api/workspaces/${marketing}/join-requests?status=pending`)).body;
    expect(requests.pendingCount).toBe(1);
    expect(requests.items[0]).toMatchObject({ user: { name: 'Ana Lima', email: 'ana@demo.example' }, status: 'pending', via: 'link' });
    expect((await owner.get('/api/notifications')).body.items.map((n: { type: string }) => n.type)).toContain('joinRequest.created');

    const invitations = (await owner.get(`/api/workspaces/${ws}/invitations?status=sent`)).body.items;
    expect(invitations.map((i: { email: string; role: string }) => [i.email, i.role])).toEqual([['jordan@partner.example', 'creator']]);
    expect((await owner.get(`/api/workspaces/${ws}/suggestions`)).body.items.map((p: { email: string }) => p.email)).toEqual(['ana@demo.example', 'sam@demo.example']);

    const library = (await owner.get(`/api/workspaces/${ws}/assets`)).body.items;
    expect(library.map((a: { kind: string }) => a.kind).sort()).toEqual(['avatar', 'brand_kit', 'template', 'voice']);
    const kit = library.find((a: { kind: string }) => a.kind === 'brand_kit');
    expect(kit.sharedWith.map((w: { name: string }) => w.name).sort()).toEqual(['Acme (agency client)', 'Marketing']);
    const marketingLibrary = (await owner.get(`/api/workspaces/${marketing}/assets`)).body.items;
    expect(marketingLibrary).toEqual([expect.objectContaining({ name: 'Demo Studio brand', sharedFrom: { id: ws, name: 'Demo Studio' } })]);

    // Credits: 60 granted + 500 bought − 120 given to Marketing − 0.5 for the demo video (18 s); Marketing spent 1 of its 120 on a render; the agency bought its own.
    expect((await owner.get(`/api/workspaces/${ws}/credits`)).body).toMatchObject({ generative: { available: 439.5, held: 0 }, billing: 'own' });
    expect((await owner.get(`/api/workspaces/${marketing}/credits`)).body).toMatchObject({ generative: { available: 119, held: 0 }, billing: 'allocated', parent: { generative: 439.5 } });
    const agency = subs.find((s: { name: string }) => s.name.startsWith('Acme')).id;
    expect((await owner.get(`/api/workspaces/${agency}/credits`)).body).toMatchObject({ generative: { available: 200 }, api: { available: 2000 }, billing: 'own' });
    const marketingLedger = (await owner.get(`/api/workspaces/${marketing}/ledger?kind=generative`)).body.items.map((e: { type: string }) => e.type);
    expect(marketingLedger).toEqual(['release', 'charge', 'hold', 'allocation_in']);

    // Content: the owner sees every folder and draft of the studio; sharing shows each kind of reason.
    const top = (await owner.get(`/api/workspaces/${ws}/items?sort=name`)).body.items;
    expect(top.map((i: { kind: string; name: string }) => [i.kind, i.name])).toEqual([
      ['draft', 'Ideas (private)'],
      ['folder', 'Leadership'],
      ['draft', 'Onboarding welcome'],
      ['folder', 'Spring campaign'],
      ['video', 'Welcome to Demo Studio'],
    ]);
    const byName = (name: string) => top.find((i: { name: string }) => i.name === name).id as string;
    const campaign = (await owner.get(`/api/workspaces/${ws}/items?parentId=${byName('Spring campaign')}`)).body.items;
    expect(campaign.map((i: { name: string }) => i.name).sort()).toEqual(['Launch video script', 'Teaser — 30 seconds']);
    const onboarding = (await owner.get(`/api/workspaces/${ws}/items/${byName('Onboarding welcome')}/sharing`)).body;
    expect(onboarding.grants.map((g: { user: { email: string }; role: string }) => [g.user.email, g.role]).sort()).toEqual([
      ['creator@demo.example', 'edit'],
      ['viewer@demo.example', 'view'],
    ]);
    const leadership = (await owner.get(`/api/workspaces/${ws}/items/${byName('Leadership')}/sharing`)).body;
    expect(leadership.grants).toEqual([expect.objectContaining({ user: expect.objectContaining({ email: 'dev@demo.example' }), role: 'view', expiresAt: expect.any(String), inheritedFrom: null })]);
    const teaser = campaign.find((i: { name: string }) => i.name.startsWith('Teaser')).id;
    const inherited = (await owner.get(`/api/workspaces/${ws}/items/${teaser}/sharing`)).body;
    expect(inherited.access.find((r: { user: { email: string } }) => r.user.email === 'viewer@demo.example')).toMatchObject({ access: 'view', reasons: [{ kind: 'general', role: 'view', via: { name: 'Spring campaign' } }] });
    expect((await owner.get('/api/notifications')).body.items.map((n: { type: string }) => n.type)).toContain('accessRequest.created');

    // The video: completed, open to the workspace, captioned in English and French, published (its page needs no sign-in).
    const video = (await owner.get(`/api/workspaces/${ws}/videos/${byName('Welcome to Demo Studio')}`)).body;
    expect(video).toMatchObject({ status: 'completed', progress: 100, durationSeconds: 18, creditsCharged: 0.5, creditsHeld: 0 });
    const viewer = new ApiClient(server.url);
    await viewer.post('/api/auth/login', { email: 'viewer@demo.example', password: demo.password });
    expect((await viewer.get(`/api/workspaces/${ws}/videos/${video.id}`)).status).toBe(200);
    const token = demo.videoUrl!.split('/v/')[1]!;
    const stranger = new ApiClient(server.url);
    const page = await stranger.get(`/v/${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Welcome to Demo Studio');
    const published = (await stranger.get(`/api/public/videos/${token}`)).body;
    expect(published.captions.map((c: { lang: string; label: string }) => [c.lang, c.label]).sort()).toEqual([
      ['en', 'English'],
      ['fr', 'Français'],
    ]);
    const french = await stranger.get(`/api/public/videos/${token}/captions/fr.vtt`);
    expect(french.body).toContain('Bienvenue chez Demo Studio.');
    expect(french.body).toMatch(/^WEBVTT/);

    const audit = (await owner.get(`/api/workspaces/${ws}/audit?limit=200`)).body.items.map((e: { type: string }) => e.type);
    for (const type of ['video.share.updated', 'video.captions.updated', 'purchase.completed', 'allocation.updated', 'member.added', 'member.updated', 'workspace.updated', 'seats.purchased', 'subworkspace.created', 'asset.created', 'asset.shared', 'invitation.created', 'item.created', 'item.sharing.updated']) expect(audit).toContain(type);

    // Every demo person signs in with the same password, verified.
    for (const email of ['dev@demo.example', 'creator@demo.example', 'viewer@demo.example', 'ana@demo.example', 'sam@demo.example']) {
      const person = new ApiClient(server.url);
      expect((await person.post('/api/auth/login', { email, password: demo.password })).status, email).toBe(200);
      expect((await person.get('/api/me')).body.user.emailVerified).toBe(true);
    }
    const ana = new ApiClient(server.url);
    await ana.post('/api/auth/login', { email: 'ana@demo.example', password: demo.password });
    expect((await ana.get('/api/me/join-requests')).body.items).toEqual([expect.objectContaining({ workspace: { id: marketing, name: 'Marketing' }, status: 'pending' })]);
  });
});
