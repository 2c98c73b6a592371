// The e2e page (`/e2e.html`): the real app with the Tauri IPC mocked by an in-memory backend.
// A test picks the backend's starting state with `page.addInitScript` setting
// `window.__E2E_SCENARIO__`, and can reach the backend as `window.__fake`.

import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import { FakeBackend, type Scenario } from "./fake-backend";

declare global {
  interface Window {
    __E2E_SCENARIO__?: Scenario;
    __fake?: FakeBackend;
  }
}

mockWindows("main");
const backend = new FakeBackend(window.__E2E_SCENARIO__ ?? { kind: "ready" });
window.__fake = backend;
// Events are mocked too, so the fake host can push `sync-status` as the real one does.
mockIPC((cmd, args) => backend.handle(cmd, args as Record<string, unknown> | undefined), { shouldMockEvents: true });

// Only now start the app, so its first `app_status` reaches the fake.
await import("../src/main");
