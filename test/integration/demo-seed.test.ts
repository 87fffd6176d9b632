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
    expect(demo).toEqual({ email: 'owner@demo.example', password: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/), workspaceId: expect.any(String) });
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

    const audit = (await owner.get(`/api/workspaces/${ws}/audit?limit=200`)).body.items.map((e: { type: string }) => e.type);
    for (const type of ['member.added', 'member.updated', 'workspace.updated', 'seats.purchased', 'subworkspace.created', 'asset.created', 'asset.shared', 'invitation.created']) expect(audit).toContain(type);

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
