// Who is signed in. Checked once at start (GET /api/v1/auth/me); a 401 from any request later signs the studio
// out and remembers where the user was, to go back there after signing in again.
import { api, onSignedOut } from "./api.ts";
import { router } from "./router.svelte.ts";
import type { Me, Role } from "./types.ts";

const RANK: Record<Role, number> = { admin: 0, editor: 1, viewer: 2 };

class Auth {
  me = $state<Me | null>(null);
  checked = $state(false);
  /** Why the sign-in page is shown, when it is not the first visit ("Your session has ended"). */
  notice = $state<string | null>(null);

  async check(): Promise<void> {
    try {
      this.me = await api.me();
    } catch {
      this.me = null;
    } finally {
      this.checked = true;
    }
  }

  /** Whether the signed-in user has `role` or a more powerful one. */
  can(role: Role): boolean {
    return this.me !== null && RANK[this.me.role] <= RANK[role];
  }

  async signIn(username: string, password: string): Promise<void> {
    await api.login(username, password);
    this.me = await api.me();
    this.notice = null;
  }

  async signOut(): Promise<void> {
    await api.logout().catch(() => {});
    this.me = null;
    router.navigate("/login");
  }

  expired(): void {
    if (!this.me) return;
    this.me = null;
    this.notice = "Your session has ended. Please sign in again.";
    const back = router.path === "/login" ? "" : `?next=${encodeURIComponent(router.path + router.search)}`;
    router.navigate(`/login${back}`, { replace: true });
  }
}

export const auth = new Auth();
onSignedOut(() => auth.expired());
