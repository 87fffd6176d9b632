import { getContext, setContext } from 'svelte';
import type { RealtimeConnection } from './socket.svelte.js';

const KEY = Symbol('realtime');

/** Makes the app's one connection available to the components below. */
export const provideRealtime = (connection: RealtimeConnection) => setContext(KEY, connection);

export function useRealtime(): RealtimeConnection {
  const connection = getContext<RealtimeConnection | undefined>(KEY);
  if (!connection) throw new Error('useRealtime() outside of the app shell');
  return connection;
}
