import * as Y from 'yjs';
import { HocuspocusProvider } from '@hocuspocus/provider';
import type { EventEnvelope } from '$shared/events.js';
import {
  CollabGrantSchema,
  GeneralAccessSchema,
  collabDocumentName,
  type AccessRow,
  type CollabPresence,
  type GeneralAccess,
  type GrantView,
  type PersonRef,
  type ShareRole,
  type SharingView,
} from '$shared/schemas/content.js';
import { ApiError } from '$lib/api/client.js';
import { getSharing, putSharing } from '$lib/api/sharing.js';
import { errorMessage } from '$lib/i18n/errors.js';
import type { Message } from '$lib/i18n/index.js';
import type { RealtimeConnection } from '$lib/realtime/socket.svelte.js';

/**
 * connecting: the co-editing document is being opened (the dialog shows what REST gave, controls wait).
 * live: edits go into the shared Yjs document; the server stores them and writes back what the rules make.
 * reconnecting: the live connection dropped; it comes back, or the dialog falls back to REST.
 * rest: no co-editing; each change is saved with PUT …/sharing.
 */
export type ShareMode = 'connecting' | 'live' | 'reconnecting' | 'rest';

export interface DirectGrant {
  userId: string;
  role: ShareRole;
  expiresAt: string | null;
}

/** Another person in the dialog, as the server named them, and what they are editing. */
export interface Presence {
  id: string;
  name: string;
  color: string;
  focus: string | null;
}

/** How long the document may take to open before the dialog works without it. */
const CONNECT_TIMEOUT_MS = 5000;
/** How long a dropped connection may take to come back. */
const RECONNECT_TIMEOUT_MS = 5000;
/** "Who has access" is read again this long after the last change seen. */
const REFRESH_DEBOUNCE_MS = 300;

/**
 * The sharing settings of one item while its dialog is open: general access
 * and direct grants bound to the item's co-editing document (`item:<id>` at
 * `/collab`), the others in the dialog from awareness, and "who has access
 * and why" read from REST after every change (the document carries only the
 * general access and the grants). Without the document, REST does it all.
 */
export class ShareSession {
  general = $state<GeneralAccess>({ scope: 'only_me', role: 'view' });
  grants = $state<DirectGrant[]>([]);
  /** Grants on folders above: shown read-only, with the folder. */
  inherited = $state<GrantView[]>([]);
  access = $state<AccessRow[]>([]);
  /** Whether the caller may change this sharing (the server's word: REST, then the connection's scope). */
  manage = $state(false);
  /** Names and addresses of everyone the dialog mentions, by user id. */
  people = $state<Record<string, PersonRef>>({});
  loaded = $state(false);
  mode = $state<ShareMode>('connecting');
  /** A REST save in flight, or the last one refused. */
  saving = $state(false);
  error = $state<Message | null>(null);
  /** The load failed: nothing to show. */
  loadError = $state<Message | null>(null);
  others = $state<Presence[]>([]);
  /** The caller lost access to the item while the dialog was open: nothing more is shown. */
  lost = $state(false);

  #doc: Y.Doc | null = null;
  #provider: HocuspocusProvider | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** The connection was opened read-only (the server's word; REST's `manage` says the same). */
  #readOnlyScope = $state(false);
  #closed = false;

  constructor(
    readonly workspaceId: string,
    readonly itemId: string,
    readonly selfId: string,
    initialManage: boolean,
  ) {
    this.manage = initialManage;
  }

  /** Whether the controls may change anything now. */
  get editable() {
    return this.manage && !this.#readOnlyScope && (this.mode === 'live' || this.mode === 'rest' || this.mode === 'reconnecting');
  }

  /** Opens REST and the co-editing document together; returns what closes both. */
  open(realtime?: RealtimeConnection): () => void {
    void this.#load();
    this.#connect();
    const stop = realtime?.listen({ event: (e) => this.#onEvent(e) });
    return () => {
      this.#closed = true;
      stop?.();
      this.#disconnect();
      if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    };
  }

  personOf(userId: string): PersonRef | undefined {
    return this.people[userId];
  }

  /** Remembers a person picked in the search, so their row has a name before the server's view comes. */
  remember(person: PersonRef) {
    this.people[person.id] = person;
  }

  setGeneral(general: GeneralAccess) {
    if (!this.editable) return;
    if (this.#live()) {
      const map = this.#doc!.getMap('general');
      this.#doc!.transact(() => {
        if (map.get('scope') !== general.scope) map.set('scope', general.scope);
        if (map.get('role') !== general.role) map.set('role', general.role);
      });
    } else {
      void this.#save({ general }, () => (this.general = general));
    }
  }

  setGrant(grant: DirectGrant) {
    if (!this.editable) return;
    if (this.#live()) {
      this.#doc!.getMap('grants').set(grant.userId, { role: grant.role, expiresAt: grant.expiresAt });
    } else {
      const next = this.grants.some((g) => g.userId === grant.userId) ? this.grants.map((g) => (g.userId === grant.userId ? grant : g)) : [...this.grants, grant];
      void this.#save({ grants: next }, () => (this.grants = next));
    }
  }

  removeGrant(userId: string) {
    if (!this.editable) return;
    if (this.#live()) {
      this.#doc!.getMap('grants').delete(userId);
    } else {
      const next = this.grants.filter((g) => g.userId !== userId);
      void this.#save({ grants: next }, () => (this.grants = next));
    }
  }

  /** What this person is editing, for the others: `general`, `grant:<userId>` or null. */
  setFocus(focus: string | null) {
    const provider = this.#provider;
    if (!provider || this.mode !== 'live') return;
    if ((provider.awareness?.getLocalState() as Partial<CollabPresence> | null)?.focus === focus) return;
    provider.setAwarenessField('focus', focus);
  }

  /** Reads "who has access" again soon (debounced: a burst of edits costs one request). */
  scheduleRefresh() {
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => void this.#load(), REFRESH_DEBOUNCE_MS);
  }

  #live() {
    return this.#doc !== null && (this.mode === 'live' || this.mode === 'reconnecting');
  }

  async #load() {
    try {
      this.#apply(await getSharing(this.workspaceId, this.itemId));
      this.loadError = null;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'not_found') this.#lose();
      else if (!this.loaded) this.loadError = errorMessage(err);
    }
  }

  #apply(view: SharingView) {
    if (this.#closed) return;
    const people = { ...this.people };
    for (const g of view.grants) people[g.user.id] = g.user;
    for (const row of view.access) people[row.user.id] = row.user;
    this.people = people;
    this.access = view.access;
    this.inherited = view.grants.filter((g) => g.inheritedFrom !== null);
    this.manage = view.manage;
    // While the document is open it is what the controls show; REST only fills in names and reasons.
    if (!this.#live() || !this.#synced()) {
      this.general = view.general;
      this.grants = view.grants.filter((g) => g.inheritedFrom === null).map((g) => ({ userId: g.user.id, role: g.role, expiresAt: g.expiresAt }));
    }
    this.loaded = true;
  }

  async #save(body: { general?: GeneralAccess; grants?: DirectGrant[] }, optimistic: () => void) {
    const before = { general: this.general, grants: this.grants };
    optimistic();
    this.saving = true;
    this.error = null;
    try {
      const payload = {
        ...(body.general ? { general: body.general } : {}),
        ...(body.grants ? { grants: body.grants.map((g) => ({ userId: g.userId, role: g.role, expiresAt: g.expiresAt })) } : {}),
      };
      this.#apply(await putSharing(this.workspaceId, this.itemId, payload));
    } catch (err) {
      this.general = before.general;
      this.grants = before.grants;
      this.error = errorMessage(err);
    } finally {
      this.saving = false;
    }
  }

  #synced() {
    return this.#provider?.synced === true;
  }

  #connect() {
    if (typeof window === 'undefined') return;
    const doc = new Y.Doc();
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const provider = new HocuspocusProvider({
      url: `${scheme}://${location.host}/collab`,
      name: collabDocumentName(this.itemId),
      document: doc,
      onSynced: () => this.#onSynced(),
      onAuthenticationFailed: () => this.#fallBack(),
      onAuthenticated: () => {
        this.#readOnlyScope = provider.authorizedScope === 'readonly';
      },
      onStatus: ({ status }) => {
        if (status === 'disconnected' && this.mode === 'live') this.#onDropped();
      },
      onAwarenessChange: () => this.#readPresence(),
    });
    this.#doc = doc;
    this.#provider = provider;
    doc.getMap('general').observe(() => this.#readDoc());
    doc.getMap('grants').observe(() => this.#readDoc());
    this.#timer = setTimeout(() => {
      if (this.mode === 'connecting') this.#fallBack();
    }, CONNECT_TIMEOUT_MS);
  }

  #onSynced() {
    if (this.#closed || this.mode === 'rest') return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.mode = 'live';
    // Presence goes out at once (the server names who it is), so the others see this person join.
    this.#provider?.setAwarenessField('focus', null);
    this.#readDoc();
    this.#readPresence();
  }

  #onDropped() {
    this.mode = 'reconnecting';
    this.others = [];
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.mode === 'reconnecting') this.#fallBack();
    }, RECONNECT_TIMEOUT_MS);
  }

  /** Co-editing is not to be had: REST from here on, said in the dialog. */
  #fallBack() {
    if (this.#closed || this.lost || this.mode === 'rest') return;
    this.#disconnect();
    this.mode = 'rest';
    this.others = [];
    void this.#load();
  }

  #disconnect() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#provider?.destroy();
    this.#doc?.destroy();
    this.#provider = null;
    this.#doc = null;
  }

  /** The document's maps into the dialog's state; unknown shapes are skipped (the server is the authority). */
  #readDoc() {
    const doc = this.#doc;
    if (!doc || !this.#synced()) return;
    const general = GeneralAccessSchema.safeParse(doc.getMap('general').toJSON());
    if (general.success) this.general = general.data;
    const grants: DirectGrant[] = [];
    for (const [userId, value] of doc.getMap('grants').entries()) {
      const parsed = CollabGrantSchema.safeParse(value);
      if (parsed.success) grants.push({ userId, ...parsed.data });
    }
    this.grants = grants;
    if (grants.some((g) => !this.people[g.userId])) this.scheduleRefresh();
    this.scheduleRefresh();
  }

  #readPresence() {
    const provider = this.#provider;
    if (!provider?.awareness) return;
    const own = provider.awareness.clientID;
    const byUser = new Map<string, Presence>();
    for (const [clientId, state] of provider.awareness.getStates()) {
      const { user, focus } = state as Partial<CollabPresence>;
      if (clientId === own || !user || typeof user.id !== 'string' || user.id === this.selfId) continue;
      const seen = byUser.get(user.id);
      byUser.set(user.id, { id: user.id, name: String(user.name ?? ''), color: String(user.color ?? ''), focus: (typeof focus === 'string' ? focus : null) ?? seen?.focus ?? null });
    }
    this.others = [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  #lose() {
    this.lost = true;
    this.others = [];
    this.#disconnect();
  }

  #onEvent(e: EventEnvelope) {
    if (e.type === 'access.revoked' && (e.data as { itemId?: unknown }).itemId === this.itemId) return this.#lose();
    if (e.type === 'item.deleted' && (e.data as { itemId?: unknown }).itemId === this.itemId) return this.#lose();
    if (e.type !== 'item.sharing.updated' && e.type !== 'item.updated') return;
    const data = e.data as { item?: { id?: string } };
    if (data.item?.id === this.itemId) this.scheduleRefresh();
  }
}
