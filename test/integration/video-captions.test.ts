import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { contentTeam } from '../support/content.js';
import { ApiClient, connectSocket, waitFor } from '../support/client.js';
import { SAMPLE_VTT, seedVideo } from '../support/videos.js';
import { MAX_CAPTION_TRACKS, MAX_VTT_BYTES } from '../../shared/schemas/videos.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { DEFAULT_SEATS: '100' } });
});
afterAll(() => server?.close());

const put = (client: ApiClient, path: string, body: unknown) => client.request('PUT', path, body);
const del = (client: ApiClient, path: string) => client.request('DELETE', path);

async function cast() {
  const t = await contentTeam(server);
  const { id, title } = await seedVideo(server.ctx, { workspaceId: t.ws, ownerId: t.people.creator.user._id, general: { scope: 'workspace', role: 'view' } });
  return { ...t, id, title, captions: `/api/workspaces/${t.ws}/videos/${id}/captions` };
}

const FRENCH = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nBonjour et bienvenue.\n\n00:00:01.500 --> 00:00:03.000\nCeci est un test.\n';

describe('caption tracks', () => {
  it('lists, reads (with cues and as a .vtt), adds, replaces and deletes tracks; those who can see the video hear of it live, with audit entries', async () => {
    const t = await cast();
    const { creator, viewer } = t.people;
    const seeded = (await server.ctx.models.CaptionTrack.findById(`${t.id}:en`).lean())!;
    expect((await viewer.client.get(t.captions)).body).toEqual([{ lang: 'en', label: 'English', updatedAt: seeded.updatedAt.toISOString() }]);
    expect((await viewer.client.get(`${t.captions}/en`)).body).toEqual({
      lang: 'en',
      label: 'English',
      updatedAt: seeded.updatedAt.toISOString(),
      vtt: SAMPLE_VTT,
      cues: [
        { start: 0, end: 1.5, text: 'Hello and welcome.' },
        { start: 1.5, end: 3, text: 'This is a test.' },
      ],
    });
    const file = await fetch(`${server.url}${t.captions}/en/vtt`, { headers: { cookie: viewer.client.cookie } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    expect(await file.text()).toBe(SAMPLE_VTT);

    const socket = await connectSocket(server.url, viewer.client.cookie);
    try {
      const added = await put(creator.client, `${t.captions}/fr`, { label: 'Français', vtt: FRENCH });
      expect(added.status, JSON.stringify(added.body)).toBe(200);
      expect(added.body).toMatchObject({ lang: 'fr', label: 'Français', vtt: FRENCH, cues: [{ start: 0, end: 1.5, text: 'Bonjour et bienvenue.' }, { start: 1.5, end: 3, text: 'Ceci est un test.' }] });
      await waitFor(() => socket.received.some((e) => e.type === 'video.captions.updated'), 'video.captions.updated');
      expect(socket.received.find((e) => e.type === 'video.captions.updated')!.data).toEqual({ id: t.id, lang: 'fr', track: { lang: 'fr', label: 'Français', updatedAt: added.body.updatedAt } });
      expect((await viewer.client.get(t.captions)).body.map((c: { lang: string }) => c.lang)).toEqual(['en', 'fr']);

      const renamed = await put(creator.client, `${t.captions}/fr`, { label: 'French', vtt: FRENCH });
      expect(renamed.body.label).toBe('French');
      expect(await server.ctx.models.CaptionTrack.countDocuments({ videoId: t.id })).toBe(2);

      expect((await del(creator.client, `${t.captions}/fr`)).status).toBe(204);
      await waitFor(() => socket.received.filter((e) => e.type === 'video.captions.updated').length === 3, 'three caption events');
      expect(socket.received.filter((e) => e.type === 'video.captions.updated').at(-1)!.data).toEqual({ id: t.id, lang: 'fr', track: null });
      expect((await del(creator.client, `${t.captions}/fr`)).status).toBe(404);
      expect((await viewer.client.get(`${t.captions}/fr`)).status).toBe(404);
    } finally {
      socket.close();
    }
    const audit = await server.ctx.models.Audit.find({ workspaceId: t.ws, type: 'video.captions.updated' }).sort({ seq: 1 }).lean();
    expect(audit.map((a) => ({ actorId: a.actorId, target: a.target, before: a.before, after: a.after }))).toEqual([
      { actorId: creator.user._id, target: { kind: 'item', id: t.id, label: t.title }, before: null, after: { lang: 'fr', label: 'Français' } },
      { actorId: creator.user._id, target: { kind: 'item', id: t.id, label: t.title }, before: { lang: 'fr', label: 'Français' }, after: { lang: 'fr', label: 'French' } },
      { actorId: creator.user._id, target: { kind: 'item', id: t.id, label: t.title }, before: { lang: 'fr', label: 'French' }, after: null },
    ]);
  });

  it('converts SRT to WebVTT', async () => {
    const t = await cast();
    const srt = '1\r\n00:00:00,000 --> 00:00:01,200\r\n<font color="#ff0">Hello</font> <i>there</i>\r\n\r\n2\r\n00:00:01,200 --> 00:00:02,500\r\nSecond line\r\nof two\r\n';
    const res = await put(t.people.creator.client, `${t.captions}/en`, { label: 'English', vtt: srt, format: 'srt' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.vtt).toBe('WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.200\nHello <i>there</i>\n\n2\n00:00:01.200 --> 00:00:02.500\nSecond line\nof two\n');
    expect(res.body.cues).toEqual([
      { start: 0, end: 1.2, text: 'Hello <i>there</i>' },
      { start: 1.2, end: 2.5, text: 'Second line\nof two' },
    ]);
    const bad = await put(t.people.creator.client, `${t.captions}/en`, { label: 'English', vtt: '1\n00:00:00,000 --> 00:00:01,200\nOk\n\n2\n00:00:01,200 -> 00:00:02,500\nBroken\n', format: 'srt' });
    expect(bad.status).toBe(400);
    // The SRT's own line numbers: line 6 is the broken timing line.
    expect(bad.body.error.details[0]).toEqual({ path: 'vtt', line: 6, message: 'Cue identifier needs to be followed by timestamp.' });
  });

  it('keeps WebVTT’s own tags and turns any other markup into text', async () => {
    const t = await cast();
    const vtt = 'WEBVTT\n\nNOTE a comment\n\nSTYLE\n::cue { color: red }\n\n00:00:00.000 --> 00:00:01.000 align:start\n<script>alert(1)</script> <img src=x onerror=alert(1)> <b>bold</b> <i.loud>i</i> <v Ann>hi</v> <lang fr>oui</lang> <ruby>漢<rt>kan</rt></ruby> <00:00:00.500>later <u>u</u> <c.a.b>c</c> a < b\n';
    const res = await put(t.people.creator.client, `${t.captions}/en`, { label: 'English', vtt });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const text = '&lt;script>alert(1)&lt;/script> &lt;img src=x onerror=alert(1)> <b>bold</b> <i.loud>i</i> <v Ann>hi</v> <lang fr>oui</lang> <ruby>漢<rt>kan</rt></ruby> <00:00:00.500>later <u>u</u> <c.a.b>c</c> a &lt; b';
    expect(res.body.vtt).toBe(`WEBVTT\n\n00:00:00.000 --> 00:00:01.000 align:start\n${text}\n`);
    expect(res.body.cues).toEqual([{ start: 0, end: 1, text }]);
  });
});

describe('malformed caption files: 400 with the line and the reason, nothing stored', () => {
  const cases: Array<[string, string, { line: number; message: string }]> = [
    ['no WEBVTT signature', 'WEBVTX\n\n00:00:00.000 --> 00:00:01.000\nHi\n', { line: 1, message: 'No valid signature. (File needs to start with "WEBVTT".)' }],
    ['a timestamp with one digit', 'WEBVTT\n\n00:00:0.000 --> 00:00:01.000\nHi\n', { line: 3, message: 'Must be exactly two digits.' }],
    ['minutes past 59', 'WEBVTT\n\n00:61:00.000 --> 00:62:01.000\nHi\n', { line: 3, message: 'You cannot have more than 59 minutes.' }],
    ['no arrow', 'WEBVTT\n\nintro\n00:00:00.000 00:00:01.000\nHi\n', { line: 4, message: 'Cue identifier needs to be followed by timestamp.' }],
    ['end before start', 'WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nHi\n', { line: 3, message: 'End timestamp is not greater than start timestamp.' }],
    ['cues out of order', 'WEBVTT\n\n00:00:02.000 --> 00:00:03.000\nB\n\n00:00:01.000 --> 00:00:04.000\nA\n', { line: 6, message: 'Start timestamp is not greater than or equal to start timestamp of previous cue.' }],
    ['a cue without text', 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHi\n\n00:00:01.000 --> 00:00:02.000\n\n', { line: 6, message: 'A cue needs some text.' }],
  ];
  for (const [what, vtt, issue] of cases) {
    it(what, async () => {
      const t = await cast();
      const res = await put(t.people.creator.client, `${t.captions}/en`, { label: 'English', vtt });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details[0]).toEqual({ path: 'vtt', ...issue });
      expect(res.body.error.message).toBe(`The caption file is not valid WebVTT: line ${issue.line}: ${issue.message}`);
      expect((await server.ctx.models.CaptionTrack.findById(`${t.id}:en`).lean())!.vtt).toBe(SAMPLE_VTT);
    });
  }

  it('overlapping cues are allowed (two people at once)', async () => {
    const t = await cast();
    const res = await put(t.people.creator.client, `${t.captions}/en`, { label: 'English', vtt: 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nAnn\n\n00:00:01.000 --> 00:00:03.000\nBob\n' });
    expect(res.status).toBe(200);
    expect(res.body.cues).toEqual([
      { start: 0, end: 2, text: 'Ann' },
      { start: 1, end: 3, text: 'Bob' },
    ]);
  });

  it('too big, too many tracks, bad language tags, huge or empty labels, unknown fields', async () => {
    const t = await cast();
    const { creator } = t.people;
    const cue = (i: number) => `${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000 --> ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.500\n${'x'.repeat(60)}\n`;
    let big = 'WEBVTT\n\n';
    for (let i = 0; new TextEncoder().encode(big).length <= MAX_VTT_BYTES; i++) big += `${cue(i % 3600)}\n`;
    const tooBig = await put(creator.client, `${t.captions}/en`, { label: 'English', vtt: big });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error.details).toEqual([{ path: 'vtt', message: 'A caption file is at most 200 kB' }]);

    for (const lang of ['english', 'EN', 'e', 'en-us', 'en_US', '12', 'en-', 'x'.repeat(200)]) {
      const res = await put(creator.client, `${t.captions}/${lang}`, { label: 'L', vtt: SAMPLE_VTT });
      expect(res.status, lang).toBe(400);
      expect(res.body.error.details, lang).toEqual([{ path: 'lang', message: 'Use a language tag such as en, fr or pt-BR' }]);
      expect((await creator.client.get(`${t.captions}/${lang}`)).status, lang).toBe(400);
    }
    for (const [body, path] of [
      [{ label: 'x'.repeat(61), vtt: SAMPLE_VTT }, 'label'],
      [{ label: '   ', vtt: SAMPLE_VTT }, 'label'],
      [{ label: 'English' }, 'vtt'],
      [{ label: 'English', vtt: SAMPLE_VTT, format: 'ass' }, 'format'],
      [{ label: 'English', vtt: SAMPLE_VTT, cues: [] }, ''],
    ] as const) {
      const res = await put(creator.client, `${t.captions}/de`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(await server.ctx.models.CaptionTrack.countDocuments({ videoId: t.id })).toBe(1);

    // Up to MAX_CAPTION_TRACKS languages, in parallel too; the next is refused; replacing one still works.
    const langs = Array.from({ length: MAX_CAPTION_TRACKS + 3 }, (_, i) => `a${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`);
    const results = await Promise.all(langs.map((lang) => put(creator.client, `${t.captions}/${lang}`, { label: lang, vtt: SAMPLE_VTT })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(MAX_CAPTION_TRACKS - 1);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect(r.body.error.details).toEqual([{ path: 'lang', message: `A video has at most ${MAX_CAPTION_TRACKS} caption tracks` }]);
    expect(await server.ctx.models.CaptionTrack.countDocuments({ videoId: t.id })).toBe(MAX_CAPTION_TRACKS);
    expect((await put(creator.client, `${t.captions}/en`, { label: 'English (edited)', vtt: SAMPLE_VTT })).status).toBe(200);
  });

  it('a Viewer and a member with view only may read but not change (403); another tenant gets 404', async () => {
    const t = await cast();
    for (const p of [t.people.viewer, t.people.developer]) {
      expect((await p.client.get(t.captions)).status).toBe(200);
      expect((await put(p.client, `${t.captions}/fr`, { label: 'Français', vtt: FRENCH })).status).toBe(403);
      expect((await del(p.client, `${t.captions}/en`)).status).toBe(403);
    }
    expect((await t.stranger.client.get(t.captions)).status).toBe(404);
    expect((await put(t.stranger.client, `${t.captions}/fr`, { label: 'Français', vtt: FRENCH })).status).toBe(404);
    expect((await t.stranger.client.get(`/api/workspaces/${t.otherWs}/videos/${t.id}/captions`)).status).toBe(404);
    expect((await fetch(`${server.url}${t.captions}/en/vtt`, { headers: { cookie: t.stranger.client.cookie } })).status).toBe(404);
    expect(await server.ctx.models.CaptionTrack.countDocuments({ videoId: t.id })).toBe(1);
  });
});
