import type { Express, Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { findPublished, type PublishedVideo } from './share.service.js';
import { isUnlocked } from './unlock.service.js';
import { tracksOf } from './captions.service.js';
import { publicCaptionUrl, publicFileUrl, publicPageUrl, publicPosterUrl } from './video-urls.js';
import type { CaptionTrackDoc } from './video.model.js';
import { PLAYER_CSS, PLAYER_CSS_URL, PLAYER_JS, PLAYER_JS_URL } from './public-page.assets.js';

/**
 * The public share page `/v/<token>`: server-rendered HTML with a native
 * player, nothing of the console's app bundle and nothing of the workspace
 * (no workspace name, no owner). Enough for chat apps to unfurl it (Open
 * Graph), `noindex` unless the owner opted in, a strict CSP (scripts and
 * styles from this origin only), in English or French. An unknown and an
 * unpublished token get the same 404 page.
 */

const STRINGS = {
  en: {
    goneTitle: 'Video not available',
    goneText: 'The link is wrong, or the video is no longer shared.',
    gone: 'This video is no longer available',
    protectedTitle: 'Protected video',
    protected: 'This video is protected by a password.',
    password: 'Password',
    watch: 'Watch',
    wrong: 'That password is not right.',
    empty: 'Enter the password.',
    limited: 'Too many tries. Try again in {wait}.',
    minute: '1 minute',
    minutes: '{n} minutes',
    hours: '{n} hours',
    failed: 'Something went wrong. Try again.',
    noVideo: 'Your browser cannot play this video.',
  },
  fr: {
    goneTitle: 'Vidéo indisponible',
    goneText: 'Le lien est erroné, ou la vidéo n’est plus partagée.',
    gone: 'Cette vidéo n’est plus disponible',
    protectedTitle: 'Vidéo protégée',
    protected: 'Cette vidéo est protégée par un mot de passe.',
    password: 'Mot de passe',
    watch: 'Regarder',
    wrong: 'Ce mot de passe n’est pas le bon.',
    empty: 'Saisissez le mot de passe.',
    limited: 'Trop d’essais. Réessayez dans {wait}.',
    minute: '1 minute',
    minutes: '{n} minutes',
    hours: '{n} heures',
    failed: 'Un problème est survenu. Réessayez.',
    noVideo: 'Votre navigateur ne peut pas lire cette vidéo.',
  },
} as const;
type Lang = keyof typeof STRINGS;
type Strings = (typeof STRINGS)[Lang];

/** `?lang=fr|en` first, then the browser's Accept-Language (by weight), else English. */
export function pageLanguage(req: Request): Lang {
  const asked = req.query.lang;
  if (asked === 'fr' || asked === 'en') return asked;
  const header = req.headers['accept-language'];
  if (typeof header !== 'string') return 'en';
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { lang: tag.toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  const hit = ranked.find((x) => x.lang === 'en' || x.lang === 'fr');
  return (hit?.lang as Lang | undefined) ?? 'en';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "media-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface PageParts {
  lang: Lang;
  title: string;
  indexable: boolean;
  meta?: string;
  body: string;
  token: string;
  state: 'gone' | 'locked' | 'player';
}

function page(p: PageParts): string {
  const s = STRINGS[p.lang];
  const data = Object.entries({ token: p.token, state: p.state, gone: s.gone, goneText: s.goneText, wrong: s.wrong, empty: s.empty, limited: s.limited, minute: s.minute, minutes: s.minutes, hours: s.hours, failed: s.failed })
    .map(([k, v]) => `data-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${escapeHtml(v)}"`)
    .join(' ');
  return `<!doctype html>
<html lang="${p.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}</title>
${p.indexable ? '' : '<meta name="robots" content="noindex">\n'}${p.meta ?? ''}<link rel="stylesheet" href="${PLAYER_CSS_URL}">
<script src="${PLAYER_JS_URL}" defer></script>
</head>
<body>
<main id="share" ${data}>
${p.body}
<p id="share-status" class="status" role="status" aria-live="polite"></p>
</main>
</body>
</html>
`;
}

function goneBody(s: Strings) {
  return `<h1 id="share-title">${escapeHtml(s.goneTitle)}</h1>\n<p>${escapeHtml(s.goneText)}</p>`;
}

function lockedBody(s: Strings) {
  return `<h1 id="share-title">${escapeHtml(s.protectedTitle)}</h1>
<form id="unlock" method="post" novalidate>
<p>${escapeHtml(s.protected)}</p>
<label for="password">${escapeHtml(s.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
<p id="unlock-error" class="error" role="alert"></p>
<button type="submit">${escapeHtml(s.watch)}</button>
</form>`;
}

function playerBody(s: Strings, v: PublishedVideo, tracks: CaptionTrackDoc[]) {
  const poster = publicPosterUrl(v.token, v.video);
  const defaultLang = tracks.some((t) => t.lang === v.video.language) ? v.video.language : tracks[0]?.lang;
  const trackTags = tracks
    .map((t) => `<track kind="captions" srclang="${escapeHtml(t.lang)}" label="${escapeHtml(t.label)}" src="${escapeHtml(publicCaptionUrl(v.token, t.lang))}"${t.lang === defaultLang ? ' default' : ''}>`)
    .join('\n');
  return `<h1 id="share-title">${escapeHtml(v.title)}</h1>
<video controls preload="metadata" playsinline${poster ? ` poster="${escapeHtml(poster)}"` : ''} src="${escapeHtml(publicFileUrl(v.token, v.video))}">
${trackTags}
<p>${escapeHtml(s.noVideo)}</p>
</video>`;
}

function openGraph(ctx: AppContext, v: PublishedVideo) {
  const origin = ctx.publicUrl();
  const poster = publicPosterUrl(v.token, v.video);
  const tags: Array<[string, string]> = [
    ['og:title', v.title],
    ['og:type', 'video.other'],
    ['og:url', publicPageUrl(origin, v.token)],
    ...(poster ? ([['og:image', origin + poster]] as Array<[string, string]>) : []),
    ['og:video', origin + publicFileUrl(v.token, v.video)],
    ['og:video:type', v.video.file?.contentType ?? 'video/webm'],
  ];
  return tags.map(([k, val]) => `<meta property="${k}" content="${escapeHtml(val)}">\n`).join('');
}

function send(res: Response, status: number, html: string, indexable: boolean) {
  res.status(status).set({
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': CSP,
    'Cache-Control': 'no-store',
    Vary: 'Accept-Language, Cookie',
    'Referrer-Policy': 'no-referrer',
  });
  if (!indexable) res.set('X-Robots-Tag', 'noindex');
  res.send(html);
}

/** Mounted on the app itself (not under /api), before the web app's handler. */
export function mountPublicPage(r: Express, ctx: AppContext) {

  r.get('/v-assets/player.js', (_req, res) => {
    res.type('text/javascript; charset=utf-8').set('Cache-Control', 'public, max-age=31536000, immutable').send(PLAYER_JS);
  });
  r.get('/v-assets/player.css', (_req, res) => {
    res.type('text/css; charset=utf-8').set('Cache-Control', 'public, max-age=31536000, immutable').send(PLAYER_CSS);
  });

  r.get('/v/:token', async (req, res) => {
    const lang = pageLanguage(req);
    const s = STRINGS[lang];
    const token = String(req.params.token);
    const found = await findPublished(ctx, token);
    if (!found) {
      send(res, 404, page({ lang, title: s.goneTitle, indexable: false, body: goneBody(s), token: '', state: 'gone' }), false);
      return;
    }
    const { indexable } = found.video.share;
    if (!(await isUnlocked(ctx, req, found.video))) {
      send(res, 200, page({ lang, title: s.protectedTitle, indexable, body: lockedBody(s), token, state: 'locked' }), indexable);
      return;
    }
    const tracks = await tracksOf(ctx, found.video._id);
    send(res, 200, page({ lang, title: found.title, indexable, meta: openGraph(ctx, found), body: playerBody(s, found, tracks), token, state: 'player' }), indexable);
  });
}
