// Who may do what, checked on the server for every page and API route: `proctor` views and reviews; `admin` also
// edits policy, runs erasure and reads the policy audit. One rule: everything under /admin and /api/admin is admin's.
import type { ProctorRole } from '@proctor/contracts';

const RANK: Record<ProctorRole, number> = { proctor: 1, admin: 2 };

/** The least role a path needs. Prefix-based so a new admin page or route is admin-only without a second edit. */
export function requiredRole(path: string): ProctorRole {
  const admin = /^\/(api\/)?admin(\/|$)/.test(path);
  return admin ? 'admin' : 'proctor';
}

export function mayAccess(role: ProctorRole, path: string): boolean {
  return RANK[role] >= RANK[requiredRole(path)];
}
