// The role check of a page (API routes declare theirs in their definition): an admin page answers a proctor 403.
import type { ProctorRole } from '@proctor/contracts';
import { hasRole } from '../api/middleware/authorize.ts';
import type { Principal } from './principal.ts';

/** The 403 page for a principal below `least`, or null when they may see the page. */
export function refuseBelow(principal: Principal, least: ProctorRole): Response | null {
  if (hasRole(principal.role, least)) return null;
  return new Response(`this needs the ${least} role; you are signed in as ${principal.role}`, { status: 403 });
}
