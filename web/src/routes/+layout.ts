// A single-page app: the server sends the shell and the browser loads all data from `/api`.
export const ssr = false;
export const prerender = false;
