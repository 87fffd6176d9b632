import { getContext, setContext, untrack } from 'svelte';
import type { MembershipView } from '$shared/schemas/auth.js';
import type { EventEnvelope } from '$shared/events.js';
import type { WorkspaceTreeNode } from '$shared/schemas/workspaces.js';
import { listWorkspaceTree } from '../api/workspaces.js';
import { errorMessage } from '../i18n/errors.js';
import type { Message } from '../i18n/index.js';
import type { RealtimeConnection } from '../realtime/socket.svelte.js';
import { streamOf } from '../realtime/streams.js';
import { onUserEvent } from './events.js';

export interface TreeRow {
  node: WorkspaceTreeNode;
  depth: number;
}

const byName = (a: WorkspaceTreeNode, b: WorkspaceTreeNode) => a.name.localeCompare(b.name);

/**
 * The workspaces the user belongs to, as a tree (a node whose parent is not
 * one of them is shown at the top level). It follows the user's own events:
 * added somewhere, role changed, access lost; and every workspace of the
 * user streams its events while the app is open.
 */
export class WorkspaceTree {
  nodes = $state<WorkspaceTreeNode[]>([]);
  loading = $state(false);
  error = $state<Message | null>(null);

  /** Depth-first, children indented under their parent, siblings by name. */
  rows = $derived.by(() => {
    const ids = new Set(this.nodes.map((n) => n.id));
    const children = new Map<string | null, WorkspaceTreeNode[]>();
    for (const n of this.nodes) {
      const parent = n.parentId && ids.has(n.parentId) ? n.parentId : null;
      children.set(parent, [...(children.get(parent) ?? []), n]);
    }
    const rows: TreeRow[] = [];
    const walk = (parent: string | null, depth: number) => {
      for (const node of (children.get(parent) ?? []).sort(byName)) {
        rows.push({ node, depth });
        walk(node.id, depth + 1);
      }
    };
    walk(null, 0);
    return rows;
  });

  #watching = new Map<string, () => void>();
  #realtime: RealtimeConnection | null = null;

  /** Starts from what `/me` said, until `/workspaces` answers. */
  constructor(memberships: MembershipView[]) {
    this.nodes = memberships.map((m) => ({ ...m.workspace, imageUrl: null, role: m.role }));
  }

  find(id: string) {
    return this.nodes.find((n) => n.id === id);
  }

  async load() {
    this.loading = true;
    try {
      this.nodes = (await listWorkspaceTree()).items;
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
      this.#syncWatches();
    }
  }

  connect(realtime: RealtimeConnection): () => void {
    this.#realtime = realtime;
    this.#syncWatches();
    const stop = realtime.listen({ event: (e) => this.#apply(e) });
    return () => {
      stop();
      for (const unwatch of this.#watching.values()) unwatch();
      this.#watching.clear();
      this.#realtime = null;
    };
  }

  #apply(e: EventEnvelope) {
    onUserEvent(e, {
      'member.added': () => void this.load(),
      'member.updated': ({ workspaceId, role }) => {
        this.nodes = this.nodes.map((n) => (n.id === workspaceId ? { ...n, role } : n));
        this.#realtime?.resubscribe(workspaceId);
      },
      'access.revoked': (d) => {
        if (!('itemId' in d)) this.remove(d.workspaceId);
      },
    });
    const data = e.data as { workspaceId?: string; name?: string; imageUrl?: string | null };
    if (e.type === 'workspace.updated' && streamOf(e.id).startsWith('workspace:') && data.workspaceId && data.name !== undefined) {
      this.nodes = this.nodes.map((n) => (n.id === data.workspaceId ? { ...n, name: data.name!, imageUrl: data.imageUrl ?? null } : n));
    }
  }

  remove(workspaceId: string) {
    untrack(() => {
      if (!this.nodes.some((n) => n.id === workspaceId)) return;
      this.nodes = this.nodes.filter((n) => n.id !== workspaceId);
      this.#syncWatches();
    });
  }

  /** One watch per workspace of the list; none left for those that went. */
  #syncWatches() {
    const realtime = this.#realtime;
    if (!realtime) return;
    const ids = new Set(this.nodes.map((n) => n.id));
    for (const [id, unwatch] of this.#watching) {
      if (!ids.has(id)) {
        unwatch();
        this.#watching.delete(id);
      }
    }
    for (const id of ids) if (!this.#watching.has(id)) this.#watching.set(id, realtime.watch(id));
  }
}

const KEY = Symbol('workspace-tree');

export const provideWorkspaceTree = (tree: WorkspaceTree) => setContext(KEY, tree);

export function useWorkspaceTree(): WorkspaceTree {
  const tree = getContext<WorkspaceTree | undefined>(KEY);
  if (!tree) throw new Error('useWorkspaceTree() outside of the app shell');
  return tree;
}
