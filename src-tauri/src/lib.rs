//! The ispdesk desktop host: the Tauri window, the commands the Svelte UI calls, the
//! signed-in staff member, and the background jobs. Commands are thin adapters over
//! `ispdesk-core` (see `docs/commands.md`); no business rule lives here. This is the only
//! crate that depends on Tauri.

mod commands;
#[cfg(test)]
mod contract;
mod jobs;
mod routers;
mod state;
mod subscribers;
mod sync;

pub use state::AppState;

use std::time::Instant;

/// Builds and runs the app until its window closes.
pub fn run() {
    let started = Instant::now();
    init_logging();
    let state = AppState::open_default();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .manage(commands::StartedAt(started))
        .invoke_handler(commands::handler())
        .setup(|app| {
            jobs::start(app.handle().clone());
            sync::start(app.handle().clone());
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "the app could not start");
            std::process::exit(1);
        });
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("ISPDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
