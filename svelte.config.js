import { createHash } from 'node:crypto';
import adapter from '@sveltejs/adapter-node';

/**
 * SvelteKit's route announcer (a visually hidden live region shown after a
 * client-side navigation) carries this inline style attribute. Under a strict
 * `style-src` it is allowed by its hash alone ('unsafe-hashes'), never by
 * 'unsafe-inline'. app.css hides the announcer too, should a Kit upgrade change it.
 */
const ANNOUNCER_STYLE =
  'position: absolute; left: 0; top: 0; clip: rect(0 0 0 0); clip-path: inset(50%); overflow: hidden; white-space: nowrap; width: 1px; height: 1px';
const announcerStyleHash = /** @type {`sha256-${string}`} */ (`sha256-${createHash('sha256').update(ANNOUNCER_STYLE).digest('base64')}`);

/**
 * The web app is a single-page app (`ssr = false` in the root layout): the
 * server only sends the shell, and every piece of data comes from `/api`.
 * The Express server mounts the adapter-node handler from `build/handler.js`.
 */
/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    adapter: adapter({ out: 'build', precompress: true }),
    files: {
      src: 'web/src',
      assets: 'web/static',
      routes: 'web/src/routes',
      lib: 'web/src/lib',
      appTemplate: 'web/src/app.html',
      errorTemplate: 'web/src/error.html',
      hooks: {
        client: 'web/src/hooks.client',
        server: 'web/src/hooks.server',
        universal: 'web/src/hooks',
      },
      params: 'web/src/params',
      serviceWorker: 'web/src/service-worker',
    },
    alias: {
      $shared: 'shared',
    },
    // The server sets no CSP on pages: SvelteKit adds nonces (or hashes) for its own bootstrap script.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self'],
        'style-src-attr': ['unsafe-hashes', announcerStyleHash],
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};

export default config;
