// The sync state the top bar shows: asked once when the shell opens, then kept current by
// the host's `sync-status` events. Should listening fail, it asks every few seconds instead.

import { onSyncStatus, syncStatus } from "$lib/api";
import type { SyncStatus } from "$lib/api/types";

const POLL_MS = 5_000;

class SyncState {
  status: SyncStatus | null = $state(null);
  #users = 0;
  #stop: (() => void) | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Counts events, so an answer to an older question never overwrites a newer event. */
  #events = 0;

  /** Starts following the state (the shell calls it on mount; the returned function stops). */
  follow(): () => void {
    this.#users += 1;
    if (this.#users === 1) void this.#start();
    return () => {
      this.#users -= 1;
      if (this.#users === 0) this.#end();
    };
  }

  async #start(): Promise<void> {
    const asked = this.refresh();
    try {
      const stop = await onSyncStatus((status) => {
        this.#events += 1;
        this.status = status;
      });
      if (this.#users === 0) stop();
      else this.#stop = stop;
    } catch {
      if (this.#users > 0) this.#timer = setInterval(() => void this.refresh(), POLL_MS);
    }
    await asked;
  }

  #end(): void {
    this.#stop?.();
    this.#stop = null;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Asks the host now (after pairing, unpairing, or "sync now"). */
  async refresh(): Promise<void> {
    const seen = this.#events;
    try {
      const status = await syncStatus();
      if (seen === this.#events) this.status = status;
    } catch {
      // The next event (or poll) brings it.
    }
  }
}

export const sync = new SyncState();
