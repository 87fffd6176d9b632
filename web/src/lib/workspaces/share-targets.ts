import type { WorkspaceTreeNode } from '$shared/schemas/workspaces.js';
import { can } from '$shared/permissions.js';
import { listSubworkspaces } from '../api/workspaces.js';

export interface ShareTarget {
  id: string;
  name: string;
  /** Its place relative to the owning workspace, for the label. */
  relation: 'parent' | 'sub' | 'other';
}

interface Known {
  id: string;
  name: string;
  parentId: string | null;
}

/**
 * The workspaces of the owning workspace's account tree that the admin can
 * see: those of their switcher tree under the same top workspace, and the
 * sub-workspaces of each of them (listed to Super Admins). The owning
 * workspace itself is left out; the server checks the tree again.
 */
export async function loadShareTargets(nodes: WorkspaceTreeNode[], ownerId: string): Promise<ShareTarget[]> {
  const known = new Map<string, Known>(nodes.map((n) => [n.id, { id: n.id, name: n.name, parentId: n.parentId }]));
  const topOf = (id: string) => {
    let current = known.get(id);
    const seen = new Set<string>();
    while (current?.parentId && known.has(current.parentId) && !seen.has(current.id)) {
      seen.add(current.id);
      current = known.get(current.parentId);
    }
    return current?.id ?? id;
  };
  const top = topOf(ownerId);
  const roleOf = new Map(nodes.map((n) => [n.id, n.role]));
  // A workspace missing from the tree was found by listing the one above it, which only its managers may do.
  const mayList = (id: string) => {
    const role = roleOf.get(id);
    return role === undefined || can(role, 'subworkspaces.manage');
  };
  // Down from the top, one level at a time: a workspace the caller cannot manage answers 403/404 and adds nothing.
  let level = [top];
  const visited = new Set<string>();
  while (level.length) {
    // Only those who manage sub-workspaces list them: skip where the tree says the caller may not.
    const fresh = level.filter((id) => !visited.has(id) && mayList(id));
    fresh.forEach((id) => visited.add(id));
    const children = await Promise.all(fresh.map((id) => listSubworkspaces(id).then((r) => r.items, () => [])));
    level = [];
    for (const sub of children.flat()) {
      if (!known.has(sub.id)) known.set(sub.id, { id: sub.id, name: sub.name, parentId: sub.parentId });
      level.push(sub.id);
    }
  }
  const owner = known.get(ownerId);
  return [...known.values()]
    .filter((w) => w.id !== ownerId && topOf(w.id) === top)
    .map((w) => ({ id: w.id, name: w.name, relation: w.id === owner?.parentId ? 'parent' : w.parentId === ownerId ? 'sub' : 'other' }) satisfies ShareTarget)
    .sort((a, b) => a.name.localeCompare(b.name));
}
