import { createHash } from 'node:crypto';

/**
 * The public share page's own script and style sheet: tiny, no framework,
 * served from this origin (the page's CSP allows scripts and styles from
 * 'self' only). The script never builds markup from data: text goes in
 * with `textContent`.
 *
 * What the script does: the password form posts to the unlock API and
 * reloads the page (which then renders the player); before each action of
 * the player (play, seek) and every 30 s while the page is visible it asks
 * the API whether the video is still published — a 404 stops the player
 * and says the video is no longer available; a 401 (a password set since)
 * reloads to the form.
 */
export const PLAYER_JS = `(() => {
  'use strict';
  const root = document.getElementById('share');
  if (!root) return;
  const msg = root.dataset;
  const api = '/api/public/videos/' + encodeURIComponent(msg.token || '');
  const status = document.getElementById('share-status');
  let stopped = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  function stop() {
    if (stopped) return;
    stopped = true;
    const video = document.querySelector('video');
    if (video) {
      video.pause();
      video.removeAttribute('src');
      for (const t of Array.from(video.querySelectorAll('track'))) t.remove();
      video.load();
      video.remove();
    }
    const form = document.getElementById('unlock');
    if (form) form.remove();
    const title = document.getElementById('share-title');
    if (title) title.textContent = msg.gone || '';
    root.dataset.state = 'gone';
    say(msg.goneText || msg.gone || '');
  }

  async function check() {
    if (stopped) return false;
    try {
      const res = await fetch(api, { credentials: 'same-origin', cache: 'no-store' });
      if (res.status === 404) {
        stop();
        return false;
      }
      if (res.status === 401 && root.dataset.state === 'player') {
        location.reload();
        return false;
      }
      return res.ok || res.status === 401;
    } catch {
      return true;
    }
  }

  function waitText(seconds) {
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    if (minutes === 1) return msg.minute || '1 minute';
    if (minutes <= 90) return (msg.minutes || '{n} minutes').replace('{n}', String(minutes));
    return (msg.hours || '{n} hours').replace('{n}', String(Math.ceil(minutes / 60)));
  }

  const form = document.getElementById('unlock');
  if (form) {
    const error = document.getElementById('unlock-error');
    const input = form.querySelector('input[name="password"]');
    const button = form.querySelector('button');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!input || !error) return;
      error.textContent = '';
      if (!input.value) {
        error.textContent = msg.empty || '';
        input.focus();
        return;
      }
      if (button) button.disabled = true;
      try {
        const res = await fetch(api + '/unlock', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ password: input.value }),
        });
        if (res.status === 204) {
          location.reload();
          return;
        }
        if (res.status === 404) stop();
        else if (res.status === 401) error.textContent = msg.wrong || '';
        else if (res.status === 429) error.textContent = (msg.limited || '').replace('{wait}', waitText(Number(res.headers.get('retry-after')) || 60));
        else error.textContent = msg.failed || '';
        input.select();
      } catch {
        error.textContent = msg.failed || '';
      } finally {
        if (button) button.disabled = false;
      }
    });
  }

  const video = document.querySelector('video');
  if (video) {
    // One check at a time: a burst of seeks asks once, and every action after it asks again.
    let inflight = null;
    const recheck = () => {
      if (inflight) return;
      inflight = check().finally(() => {
        inflight = null;
      });
    };
    video.addEventListener('play', recheck);
    video.addEventListener('seeking', recheck);
    video.addEventListener('error', recheck);
  }
  setInterval(() => {
    if (document.visibilityState === 'visible') void check();
  }, 30000);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void check();
  });
})();
`;

export const PLAYER_CSS = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#0f1115;color:#f2f3f5}
main{max-width:960px;margin:0 auto;padding:16px}
h1{font-size:clamp(1.25rem,4vw,1.75rem);line-height:1.3;margin:8px 0 16px;overflow-wrap:anywhere}
video{display:block;width:100%;max-width:100%;height:auto;aspect-ratio:16/9;background:#000;border-radius:8px}
p{margin:0 0 12px;overflow-wrap:anywhere}
form{max-width:420px;display:flex;flex-direction:column;gap:8px}
label{font-weight:600}
input{width:100%;font:inherit;padding:10px 12px;border-radius:6px;border:1px solid #5b6070;background:#1a1d24;color:inherit}
button{align-self:flex-start;font:inherit;font-weight:600;padding:10px 18px;border:0;border-radius:6px;background:#2f5bd8;color:#fff;cursor:pointer}
button:disabled{opacity:.6;cursor:default}
input:focus-visible,button:focus-visible{outline:3px solid #9db5ff;outline-offset:2px}
.error{color:#ff9a9a;min-height:1.5em;margin:0}
.status{color:#c9ccd4}
`;

const version = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
export const PLAYER_JS_URL = `/v-assets/player.js?v=${version(PLAYER_JS)}`;
export const PLAYER_CSS_URL = `/v-assets/player.css?v=${version(PLAYER_CSS)}`;
