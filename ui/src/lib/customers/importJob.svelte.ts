// A running CSV import outlives the dialog that started it: the cashier may close the dialog
// and keep working while the host imports (in one transaction). The customer list shows the
// progress and reloads when it is done.

import { toast } from "svelte-sonner";
import { importCustomers } from "$lib/api";
import { toAppError } from "$lib/api/errors";
import type { AppError, ImportSummary } from "$lib/api/types";
import { errorText, t } from "$lib/i18n/index.svelte";

export type ImportRun = { path: string; fileName: string; rows: number; startedAt: number };

class ImportJob {
  running: ImportRun | null = $state(null);
  /** Counts finished imports, so a list can reload when it changes. */
  finished = $state(0);
  /** Whether the dialog that started it is still watching (it then shows the outcome itself). */
  watched = false;

  async start(run: Omit<ImportRun, "startedAt">): Promise<ImportSummary> {
    this.running = { ...run, startedAt: Date.now() };
    this.watched = true;
    try {
      const summary = await importCustomers({ path: run.path });
      this.finished += 1;
      toast.success(t("import.done", { count: summary.imported }));
      return summary;
    } catch (reason) {
      const error: AppError = toAppError(reason);
      // Nobody is looking at the dialog any more: say it where they are.
      if (!this.watched) toast.error(errorText(error));
      throw error;
    } finally {
      this.running = null;
    }
  }
}

export const importJob = new ImportJob();
