import { EventEmitter } from 'node:events';

/**
 * In-process news of a change to an item's sharing, after it is stored:
 * a PUT, a co-editing change, an approved access request, the expiry sweep.
 * The co-editing server listens to rebuild the open documents of the item.
 * (Other nodes learn of it through the events and the database.)
 */
export type SharingListener = (workspaceId: string, itemId: string) => void;

const emitter = new EventEmitter();
emitter.setMaxListeners(0);

/** Calls `listener` after every stored sharing change of any item; returns the way to stop. */
export function onSharingChanged(listener: SharingListener): () => void {
  emitter.on('changed', listener);
  return () => emitter.off('changed', listener);
}

/** Tells every listener; one that throws does not stop the others nor the change. */
export function sharingChanged(workspaceId: string, itemId: string) {
  for (const listener of emitter.listeners('changed') as SharingListener[]) {
    try {
      listener(workspaceId, itemId);
    } catch {
      /* a listener's failure is its own */
    }
  }
}
