// Where the app is: starting, first-run setup, signed out, signed in, or unable to open its
// database. `app_status` decides at start; the screens move between the states through the
// functions below.

import { appStatus, onSignedOut } from "$lib/api";
import { toAppError } from "$lib/api/errors";
import type { AppError, CompanyProfile, Permission, SessionInfo } from "$lib/api/types";

/** Why the login screen is shown, when it is not the ordinary start. */
export type LoginNotice = "restored" | "signed_out" | "session_ended";

export type Phase =
  | { kind: "starting" }
  | { kind: "setup" }
  | { kind: "login"; company: CompanyProfile; notice: LoginNotice | null }
  | { kind: "signed_in" }
  | { kind: "database_error"; error: AppError; path: string };

class AppState {
  phase: Phase = $state({ kind: "starting" });
  session: SessionInfo | null = $state(null);

  /** The signed-in session's company (name shown in the top bar, zone for every date). */
  get company(): CompanyProfile | null {
    return this.session?.company ?? null;
  }

  /** The ISP's time zone: every date on screen is shown in it. */
  get zone(): string {
    return this.session?.company.time_zone ?? "Asia/Jakarta";
  }

  can(permission: Permission): boolean {
    return this.session?.permissions.includes(permission) ?? false;
  }

  /** Asks the host where to start (also the database error screen's "try again"). */
  async start(notice: LoginNotice | null = null): Promise<void> {
    try {
      const status = await appStatus();
      switch (status.state) {
        case "setup_required":
          this.session = null;
          this.phase = { kind: "setup" };
          break;
        case "login_required":
          this.session = null;
          this.phase = { kind: "login", company: status.company, notice };
          break;
        case "signed_in":
          this.signedIn(status.session);
          break;
        case "database_error":
          this.session = null;
          this.phase = { kind: "database_error", error: status.error, path: status.path };
          break;
      }
    } catch (reason) {
      this.session = null;
      this.phase = { kind: "database_error", error: toAppError(reason), path: "" };
    }
  }

  signedIn(session: SessionInfo): void {
    this.session = session;
    this.phase = { kind: "signed_in" };
  }

  companyChanged(company: CompanyProfile): void {
    if (this.session) this.session = { ...this.session, company };
  }

  /** Back to the login screen, e.g. after logout or a restore. */
  async signedOut(notice: LoginNotice | null): Promise<void> {
    this.session = null;
    await this.start(notice);
  }
}

export const app = new AppState();

onSignedOut(() => {
  if (app.phase.kind === "signed_in") void app.signedOut("session_ended");
});
