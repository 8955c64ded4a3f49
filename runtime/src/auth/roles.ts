import type { Role } from "@voltrate/sdk";

/** Roles from most to least powerful; a role includes every role after it. */
export const roles: readonly Role[] = ["admin", "editor", "viewer"];

/** Whether `held` is at least one of `allowed` (admin can do what an editor can, an editor what a viewer can). */
export function roleSatisfies(held: Role, allowed: readonly Role[]): boolean {
  const rank = roles.indexOf(held);
  return allowed.some((role) => rank <= roles.indexOf(role));
}
