//! `ispdesk-cloud`: the hosted platform. It owns tenants (ISPs) and their subscription
//! limits, platform admins, pairing desktops to tenants, the sync endpoints
//! (`docs/sync.md`, `docs/platform-api.md`), and the multi-tenant FreeRADIUS tables in
//! PostgreSQL that FreeRADIUS (configured by `deploy/freeradius/`) reads.
//!
//! Entry type: [`Server`] (connect, migrate, serve). The pieces: [`api`] (axum handlers by
//! resource), [`sync`] (push and pull without HTTP), [`radius`] (the tenant's RADIUS rows
//! derived with `ispdesk_domain::radius`), [`nas_watch`] (restart FreeRADIUS when `nas`
//! changes), [`seal`] (secrets at rest), [`db`] (pool, migrations, FreeRADIUS's grants).
//!
//! It depends on `ispdesk-domain` only (never on the desktop's `ispdesk-core`); it is the
//! only crate depending on axum and PostgreSQL. A released migration in `migrations/` is
//! never edited.

pub mod admins;
pub mod api;
mod app;
pub mod config;
pub mod db;
pub mod error;
pub mod nas_watch;
pub mod radius;
pub mod seal;
pub mod sync;
pub mod tokens;

pub use app::Server;
pub use config::Config;
pub use error::{Error, Result};

/// Structured logs on stderr: text for people, JSON (one object a line) for collectors.
pub fn init_tracing(format: config::LogFormat, filter: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match format {
        config::LogFormat::Json => builder.json().flatten_event(true).try_init(),
        config::LogFormat::Text => builder.try_init(),
    };
    // Already initialised (tests): keep the first.
    drop(result);
}
